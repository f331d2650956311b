#!/usr/bin/env bash
# Runs Vigil's models beyond the study's five against their scikit-learn and
# xgboost counterparts (bench/reference_more.py) on the same file, protocol,
# seed and 2 threads, and prints one table: fit and predict seconds for both
# with their ratio, and the score both are judged by (macro-F1 for
# classifiers and for naive Bayes after selection or PCA; attack-vs-Normal F1
# for the anomaly detectors). Then Vigil's best classifier or ensemble beside
# the study's five in scikit-learn (from SKLEARN_CACHE, as compare_sklearn.sh
# leaves them, when there).
#   bench/compare_more.sh [DATA.csv] [PROTOCOL]     (default: UNSW-NB15 testing set, holdout)
# SKLEARN_CACHE=DIR reuses reference results saved there by an earlier run
# (LinearSVC alone runs for about half an hour on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/unsw-nb15/UNSW_NB15_testing-set.csv}"
protocol="${2:-holdout}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cache="${SKLEARN_CACHE:-$out}"
mkdir -p "$cache"

"$root/scripts/setup"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
vigil="$root/build/vigil"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
run() {  # NAME ARGS...: one vigil experiment, its JSON kept as NAME.json
  local name="$1"
  shift
  "$vigil" experiment -q --data "$data" --protocol "$protocol" --json "$out/$name.json" "$@" >/dev/null
}
run main --models xgb,svm,vote --anomaly kmeans,dbscan
run svm-rbf --models svm --param svm.kernel=rbf
run mi --models nb --select 20 --select-by mi
run pca --models nb --pca 10
for name in xgb svm svm-rbf kmeans dbscan mi:20 pca:10; do
  key="$cache/more-$protocol-${name/:/}.json"
  [ -s "$key" ] || /usr/bin/python3 "$root/bench/reference_more.py" --train "$data" --protocol "$protocol" \
    --models "$name" --threads 2 --json "$key" >/dev/null 2>&1
done
/usr/bin/python3 - "$out" "$cache" "$protocol" <<'PY'
import json, os, sys
out, cache, protocol = sys.argv[1:]
def vigil(name):
    return json.load(open(f"{out}/{name}.json"))
def ref(name):
    return json.load(open(f"{cache}/more-{protocol}-{name.replace(':', '')}.json"))["models"][name]
rows = []
main = vigil("main")
models = {m["model"]: m for m in main["models"]}
for name in ("xgb", "svm"):
    m = models[name]
    rows.append((name, m["fit_seconds"], m["predict_seconds"], m["metrics"]["macro"]["f1"], ref(name)))
m = vigil("svm-rbf")["models"][0]
rows.append(("svm-rbf", m["fit_seconds"], m["predict_seconds"], m["metrics"]["macro"]["f1"], ref("svm-rbf")))
for a in main["anomaly"]:
    rows.append((a["detector"], a["fit_seconds"], a["score_seconds"], a["detection"]["f1"], ref(a["detector"])))
for name, key in (("mi:20", "mi"), ("pca:10", "pca")):
    v = vigil(key)
    m = v["models"][0]
    rows.append((name, v["reduction_seconds"], m["predict_seconds"], m["metrics"]["macro"]["f1"], ref(name)))
print(f"\nprotocol {protocol}   (ratio = reference seconds / Vigil seconds; F1: macro, or attack-vs-Normal for detectors)")
print(f"{'model':8} {'fit s vigil':>11} {'ref':>8} {'ratio':>7} {'pred s vigil':>12} {'ref':>8} {'ratio':>7}"
      f" {'F1 vigil':>9} {'ref':>8} {'dF1':>7}")
for name, fit, pred, f1, r in rows:
    rf1 = r.get("macro_f1", r.get("f1"))
    print(f"{name:8} {fit:11.3f} {r['fit_s']:8.3f} {r['fit_s'] / max(fit, 1e-9):6.1f}x {pred:12.4f}"
          f" {r['predict_s']:8.4f} {r['predict_s'] / max(pred, 1e-9):6.1f}x {f1:9.4f} {rf1:8.4f} {f1 - rf1:+7.4f}")
five = {}
for name in ("nb", "lr", "knn", "rf", "mlp"):
    path = f"{cache}/sklearn-{protocol}-{name}.json"
    if os.path.exists(path):
        five[name] = json.load(open(path))["models"][name]["macro_f1"]
if five:
    best = max(models.values(), key=lambda m: m["metrics"]["macro"]["f1"])
    top = max(five, key=five.get)
    print(f"\nbest Vigil classifier here: {best['model']} macro-F1 {best['metrics']['macro']['f1']:.4f}; "
          f"best of the study's five in scikit-learn: {top} {five[top]:.4f} "
          f"({'beaten' if best['metrics']['macro']['f1'] > five[top] else 'not beaten'})")
PY
