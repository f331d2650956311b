#!/usr/bin/env bash
# How much of UNSW-NB15's accuracy is its testbed? Each model with every
# feature, without the TTL-derived columns (sttl, dttl, ct_state_ttl: the
# testbed's hosts and attack machines sit at fixed hop counts), with the
# deployment feature set (no TTLs, raw TCP windows, sequence numbers or round
# trips), and with the identifiers let in (id: the row's position in a file
# sorted by class), under each protocol asked for.
#   bench/ablation.sh [DATA.csv]
#   MODELS=nb,lr,rf,xgb PROTOCOLS="holdout cv" VIGIL_BIN=PATH
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/unsw-nb15/UNSW_NB15_testing-set.csv}"
models="${MODELS:-nb,lr,rf,xgb}"
protocols="${PROTOCOLS:-holdout cv}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

[ -n "${VIGIL_BIN:-}" ] || "$root/scripts/setup"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
vigil="${VIGIL_BIN:-$root/build/vigil}"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
declare -A settings=(
  [all]=""
  [no-ttl]="--drop sttl,dttl,ct_state_ttl"
  [deployment]="--feature-set deployment"
  [identifiers]="--keep-identifiers"
)
for protocol in $protocols; do
  for name in all no-ttl deployment identifiers; do
    # shellcheck disable=SC2086
    "$vigil" experiment -q --data "$data" --protocol "$protocol" --models "$models" \
      ${settings[$name]} --json "$out/$protocol-$name.json" >/dev/null
  done
done
/usr/bin/python3 - "$out" "$protocols" <<'PY'
import json, sys
out, protocols = sys.argv[1], sys.argv[2].split()
names = ["all", "no-ttl", "deployment", "identifiers"]
for protocol in protocols:
    runs = {n: json.load(open(f"{out}/{protocol}-{n}.json")) for n in names}
    print(f"\n{protocol}: macro-F1 (accuracy); features: " +
          "; ".join(f"{n} {len(runs[n]['features'])}" for n in names))
    print(f"{'model':6} " + " ".join(f"{n:>18}" for n in names))
    for i, m in enumerate(runs["all"]["models"]):
        cells = []
        for n in names:
            r = runs[n]["models"][i]["metrics"]
            cells.append(f"{r['macro']['f1']:.4f} ({r['accuracy']:.4f})")
        print(f"{m['model']:6} " + " ".join(f"{c:>18}" for c in cells))
PY
