#!/usr/bin/env bash
# Real-traffic benchmark: models trained on traffic-lab runs and on UNSW-NB15,
# side by side, on captures the lab never made (bench/real_traffic.py says
# which, and how the attackers' flows are picked).
#   bench/real_traffic.sh [LAB_RUN_DIR...]
# Without lab runs it makes them (as root): LAB_SEEDS (default "1 2 3") runs of
# LAB_MINUTES (default 10) each, kept in $OUT/lab-seed-N for the next time.
#   OUT (default /tmp/vigil-real-traffic), MODELS (default rf,xgb),
#   FEATURE_SET (default auto: deployment features for the lab's flows),
#   MAX_PER_RECORD (default 500: flows kept per lab label record), TRAIN_ARGS,
#   THRESHOLDS (default "0 0.9": least attack probability for an alert; a column each),
#   PROTOCOLS=1: also leave one lab run out, and each attack class out of training
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-/tmp/vigil-real-traffic}"
shared="$(cd "$root/.." && pwd)/shared/data"
"$root/scripts/setup"
mkdir -p "$out"
runs=("$@")
if ((${#runs[@]} == 0)); then
  for seed in ${LAB_SEEDS:-1 2 3}; do
    dir="$out/lab-seed-$seed"
    if [ ! -s "$dir/labels.csv" ]; then
      "$root/scripts/lab" --minutes "${LAB_MINUTES:-10}" --seed "$seed" --out "$dir" --quiet
    fi
    runs+=("$dir")
  done
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
exec /usr/bin/python3 "$root/bench/real_traffic.py" --vigil "${VIGIL_BUILD_DIR:-$root/build}/vigil" \
  --shared "$shared" --work "$out/work" --unsw "$shared/unsw-nb15/UNSW_NB15_testing-set.csv" \
  --models "${MODELS:-rf,xgb}" --feature-set "${FEATURE_SET:-auto}" \
  --max-per-record "${MAX_PER_RECORD:-500}" --train-args "${TRAIN_ARGS:-}" \
  --thresholds ${THRESHOLDS:-0 0.9} ${PROTOCOLS:+--protocols} --lab "${runs[@]}"
