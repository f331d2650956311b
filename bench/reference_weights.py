#!/usr/bin/python3
"""Reference for Vigil's class_weight=balanced: scikit-learn's RandomForestClassifier and
LogisticRegression with class_weight="balanced", and xgboost.XGBClassifier with the same
weights as sample weights, on the honest hold-out (stratified 80/20 split, scaling fitted on
the training rows, no SMOTE), with the shared preprocessing of ../shared/bench/sklearn_ref.py.

usage: /usr/bin/python3 bench/reference_weights.py --train CSV [--models rf,lr,xgb]
          [--weights none|balanced] [--seed 42] [--threads 2] [--json OUT]
"""
import argparse, json, os, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "bench"))
import sklearn_ref as ref  # noqa: E402
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--models", default="rf,lr,xgb")
    ap.add_argument("--weights", default="balanced", choices=["none", "balanced"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    a = ap.parse_args()
    (df,) = ref.encode([ref.load(a.train)])
    X, y = ref.xy(df)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=a.seed, stratify=y)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    cw = "balanced" if a.weights == "balanced" else None
    out = {"weights": a.weights, "seed": a.seed, "models": {}}
    for name in a.models.split(","):
        fit_kw = {}
        ytr_fit = ytr
        if name == "rf":
            m = RandomForestClassifier(n_estimators=100, n_jobs=a.threads, random_state=a.seed,
                                       class_weight=cw)
        elif name == "lr":
            m = LogisticRegression(max_iter=1000, class_weight=cw)
        elif name == "xgb":
            import xgboost
            m = xgboost.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.3,
                                      tree_method="hist", random_state=a.seed, n_jobs=a.threads)
            enc = LabelEncoder().fit(ytr)
            ytr_fit = enc.transform(ytr)
            if cw:
                fit_kw["sample_weight"] = compute_sample_weight("balanced", ytr)
        else:
            raise SystemExit(f"unknown model {name}")
        t = time.time()
        m.fit(Xtr, ytr_fit, **fit_kw)
        fit_s = time.time() - t
        p = m.predict(Xte)
        if name == "xgb":
            p = enc.inverse_transform(p)
        _, _, f1, _ = precision_recall_fscore_support(yte, p, average="macro", zero_division=0)
        out["models"][name] = {"accuracy": accuracy_score(yte, p), "macro_f1": f1, "fit_s": fit_s}
        print(f"{name:5} {a.weights:9} accuracy {out['models'][name]['accuracy']:.4f} "
              f"macro-F1 {f1:.4f} fit {fit_s:.1f} s")
    if a.json:
        json.dump(out, open(a.json, "w"))


if __name__ == "__main__":
    main()
