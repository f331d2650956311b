#!/usr/bin/env bash
# Class weights against SMOTE on the honest hold-out: each model under
#   smote        SMOTE on the training rows (Vigil's default), no weights
#   plain        neither
#   balanced     class_weight=balanced, no SMOTE
# for each seed, with macro-F1 and accuracy per seed and their mean; then
# scikit-learn's and xgboost's own balanced weights on their split of the same
# file (bench/reference_weights.py; another split generator, so compare means).
#   bench/class_weights.sh [DATA.csv]
#   MODELS=rf,xgb SEEDS="42 1 2 3" REFERENCE=rf,lr,xgb (REFERENCE= skips it)
#   VIGIL_BIN=PATH runs that binary (a copy, so a rebuild cannot pull it away mid-run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/unsw-nb15/UNSW_NB15_testing-set.csv}"
models="${MODELS:-rf,xgb,lr,mlp}"
seeds="${SEEDS:-42 1 2 3}"
reference="${REFERENCE-rf,lr,xgb}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

[ -n "${VIGIL_BIN:-}" ] || "$root/scripts/setup"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
vigil="${VIGIL_BIN:-$root/build/vigil}"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
for seed in $seeds; do
  "$vigil" experiment -q --data "$data" --protocol holdout --seed "$seed" --models "$models" \
    --json "$out/smote-$seed.json" >/dev/null
  "$vigil" experiment -q --data "$data" --protocol holdout --seed "$seed" --models "$models" \
    --smote off --json "$out/plain-$seed.json" >/dev/null
  "$vigil" experiment -q --data "$data" --protocol holdout --seed "$seed" --models "$models" \
    --smote off --param class_weight=balanced --json "$out/balanced-$seed.json" >/dev/null
  if [ -n "$reference" ]; then
    for weights in none balanced; do
      /usr/bin/python3 "$root/bench/reference_weights.py" --train "$data" --models "$reference" \
        --weights "$weights" --seed "$seed" --threads 2 --json "$out/ref-$weights-$seed.json" >/dev/null
    done
  fi
done
/usr/bin/python3 - "$out" "$seeds" "$reference" <<'PY'
import json, os, sys
out, seeds, reference = sys.argv[1], sys.argv[2].split(), sys.argv[3]
rows = {}
for setting in ("smote", "plain", "balanced"):
    for seed in seeds:
        for m in json.load(open(f"{out}/{setting}-{seed}.json"))["models"]:
            rows.setdefault((f"vigil {m['model']}", setting), []).append(
                (m["metrics"]["macro"]["f1"], m["metrics"]["accuracy"]))
if reference:
    for weights, setting in (("none", "plain"), ("balanced", "balanced")):
        for seed in seeds:
            for name, m in json.load(open(f"{out}/ref-{weights}-{seed}.json"))["models"].items():
                rows.setdefault((f"ref {name}", setting), []).append((m["macro_f1"], m["accuracy"]))
print(f"\nhold-out 80/20, seeds {' '.join(seeds)}: macro-F1 (accuracy) per seed, then the mean")
for (model, setting), values in sorted(rows.items()):
    per_seed = "  ".join(f"{f:.4f} ({a:.4f})" for f, a in values)
    mean_f = sum(f for f, _ in values) / len(values)
    mean_a = sum(a for _, a in values) / len(values)
    print(f"{model:10} {setting:9} {per_seed}   mean {mean_f:.4f} ({mean_a:.4f})")
PY
