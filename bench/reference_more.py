#!/usr/bin/python3
"""Reference for the models beyond the study's five: the same preprocessing and
protocols as ../shared/bench/sklearn_ref.py (imported from there), with
xgboost's XGBClassifier and scikit-learn's LinearSVC and RBFSampler+LinearSVC.

usage: /usr/bin/python3 bench/reference_more.py --train CSV --protocol holdout|paper
          [--models xgb,svm,svm-rbf] [--threads 2] [--seed 42] [--json OUT]
Each model is set up as Vigil's defaults set it up (see `vigil models`).
"""
import argparse, json, os, sys, time
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "bench"))
import sklearn_ref as ref  # noqa: E402  (load, encode, xy: the shared preprocessing)
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler, LabelEncoder
from imblearn.over_sampling import SMOTE


def make(name, seed, threads, n_features, x_var):
    from sklearn.svm import LinearSVC
    if name == "xgb":
        import xgboost
        return xgboost.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.3, tree_method="hist",
                                     random_state=seed, n_jobs=threads)
    if name == "svm":
        return LinearSVC(C=1.0, tol=1e-4, max_iter=1000, random_state=seed)
    if name == "svm-rbf":
        from sklearn.kernel_approximation import RBFSampler
        from sklearn.pipeline import make_pipeline
        gamma = 1.0 / (n_features * x_var)  # gamma="scale", as Vigil's default
        return make_pipeline(RBFSampler(gamma=gamma, n_components=300, random_state=seed),
                             LinearSVC(C=1.0, tol=1e-4, max_iter=1000, random_state=seed))
    raise SystemExit(f"unknown model {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--protocol", default="holdout", choices=["holdout", "paper"])
    ap.add_argument("--models", default="xgb,svm,svm-rbf")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json")
    a = ap.parse_args()
    (df,) = ref.encode([ref.load(a.train)])
    X, y = ref.xy(df)
    if a.protocol == "paper":
        X, y = SMOTE(random_state=a.seed).fit_resample(X, y)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=a.seed)
    else:
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=a.seed, stratify=y)
        Xtr, ytr = SMOTE(random_state=a.seed).fit_resample(Xtr, ytr)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    enc = LabelEncoder().fit(np.concatenate([ytr, yte]))  # XGBoost wants class indices
    out = {"protocol": a.protocol, "models": {}}
    for name in a.models.split(","):
        m = make(name, a.seed, a.threads, Xtr.shape[1], Xtr.var())
        t = time.time(); m.fit(Xtr, enc.transform(ytr)); fit_s = time.time() - t
        t = time.time(); p = enc.inverse_transform(m.predict(Xte)); pred_s = time.time() - t
        labels = sorted(set(ytr) | set(yte))
        P, R, F, _ = precision_recall_fscore_support(yte, p, labels=labels, average="macro", zero_division=0)
        acc = accuracy_score(yte, p)
        out["models"][name] = {"fit_s": fit_s, "predict_s": pred_s, "accuracy": acc, "macro_precision": P,
                               "macro_recall": R, "macro_f1": F, "labels": labels,
                               "confusion": confusion_matrix(yte, p, labels=labels).tolist()}
        print(f"{name:8s} fit={fit_s:8.2f}s predict={pred_s:7.3f}s acc={acc:.4f} F1={F:.4f}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
