#!/usr/bin/env bash
# Model against model on the same matrices: Vigil's experiment prepares the
# rows once (--export-prepared), then Vigil's models and scikit-learn's /
# XGBoost's are trained and tested on exactly those rows. Beside the
# end-to-end comparisons (compare_sklearn.sh, compare_more.sh, where each side
# runs its own SMOTE), this separates the models from the resampling's draws.
#   bench/same_matrices.sh [MODELS] [PROTOCOL] [SEEDS]
#   defaults: rf,xgb  holdout  "42"
# Needs Debian's python3-sklearn, python3-xgboost and python3-pandas.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/../shared/data/unsw-nb15/UNSW_NB15_testing-set.csv"
models="${1:-rf,xgb}"
protocol="${2:-holdout}"
seeds="${3:-42}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$root/scripts/setup"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
vigil="$root/build/vigil"

printf '%-5s %-6s %10s %10s %8s %11s %11s %8s\n' seed model "vigil fit" "ref fit" ratio "vigil F1" "ref F1" "F1 diff"
for seed in $seeds; do
  "$vigil" experiment -q --data "$data" --protocol "$protocol" --models nb --seed "$seed" \
    --export-prepared "$out/m" > /dev/null
  "$vigil" experiment -q --protocol official --train "$out/m/train.csv" --test "$out/m/test.csv" --label class \
    --scale none --smote off --models "$models" --seed "$seed" --json "$out/vigil.json" > /dev/null
  /usr/bin/python3 "$root/bench/same_matrices.py" "$out/m" --models "$models" --seed "$seed" > "$out/ref.jsonl"
  /usr/bin/python3 - "$out/vigil.json" "$out/ref.jsonl" "$seed" <<'PY'
import json, sys
vigil = {m["model"]: m for m in json.load(open(sys.argv[1]))["models"]}
for line in open(sys.argv[2]):
    r = json.loads(line)
    v = vigil[r["model"]]
    vf, rf = v["metrics"]["macro"]["f1"], r["macro_f1"]
    print(f'{sys.argv[3]:<5} {r["model"]:<6} {v["fit_seconds"]:10.2f} {r["fit_s"]:10.2f} {r["fit_s"] / v["fit_seconds"]:8.2f} '
          f'{vf:11.4f} {rf:11.4f} {vf - rf:+8.4f}')
PY
done
