#!/usr/bin/env bash
# Runs `vigil experiment` and the scikit-learn reference (../shared/bench/sklearn_ref.py)
# on the same file, protocol, seed and thread count, and prints one table per
# protocol: fit and predict seconds for both with their ratio, and accuracy and
# macro-F1 for both.
#   bench/compare_sklearn.sh [DATA.csv] [MODELS] [PROTOCOLS]
# Needs Debian's python3-sklearn, python3-imblearn and python3-pandas.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/unsw-nb15/UNSW_NB15_testing-set.csv}"
models="${2:-nb}"
protocols="${3:-holdout paper}"
ref="$root/../shared/bench/sklearn_ref.py"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$root/scripts/setup"
export OMP_NUM_THREADS=2
for protocol in $protocols; do
  "$root/build/vigil" experiment -q --data "$data" --protocol "$protocol" --models "$models" \
    --seed 42 --json "$out/vigil-$protocol.json" >/dev/null
  /usr/bin/python3 "$ref" --train "$data" --protocol "$protocol" --models "$models" --threads 2 \
    --seed 42 --json "$out/sklearn-$protocol.json" >/dev/null
  /usr/bin/python3 - "$protocol" "$out/vigil-$protocol.json" "$out/sklearn-$protocol.json" <<'PY'
import json, sys
protocol, vpath, spath = sys.argv[1:]
v = {m["model"]: m for m in json.load(open(vpath))["models"]}
s = json.load(open(spath))["models"]
print(f"\nprotocol {protocol}")
print(f"{'model':6} {'fit s vigil':>11} {'sklearn':>8} {'ratio':>6} {'pred s vigil':>12} {'sklearn':>8} {'ratio':>6}"
      f" {'acc vigil':>9} {'sklearn':>8} {'F1 vigil':>9} {'sklearn':>8} {'dF1':>7}")
for name, vm in v.items():
    sm = s[name]
    fr = sm["fit_s"] / max(vm["fit_seconds"], 1e-9)
    pr = sm["predict_s"] / max(vm["predict_seconds"], 1e-9)
    vf = vm["metrics"]["macro"]["f1"]
    print(f"{name:6} {vm['fit_seconds']:11.3f} {sm['fit_s']:8.3f} {fr:5.1f}x {vm['predict_seconds']:12.4f}"
          f" {sm['predict_s']:8.4f} {pr:5.1f}x {vm['metrics']['accuracy']:9.4f} {sm['accuracy']:8.4f}"
          f" {vf:9.4f} {sm['macro_f1']:8.4f} {vf - sm['macro_f1']:+7.4f}")
PY
done
