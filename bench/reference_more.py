#!/usr/bin/python3
"""Reference for what Vigil adds beyond the study's five models: the same
preprocessing and protocols as ../shared/bench/sklearn_ref.py (imported from
there), and each piece set up as Vigil's defaults set it up (see `vigil models`).

usage: /usr/bin/python3 bench/reference_more.py --train CSV --protocol holdout|paper
          [--models xgb,svm,svm-rbf,kmeans,dbscan,mi:20,pca:10] [--threads 2] [--seed 42] [--json OUT]
  xgb        xgboost.XGBClassifier(hist, 100 rounds, depth 6, eta 0.3)
  svm        LinearSVC(C=1)               svm-rbf  RBFSampler(300, gamma="scale") + LinearSVC
  kmeans     KMeans(8, n_init=10) on the Normal training rows; flows farther from every
             centre than 95% of those rows are flagged; scored attack vs Normal
  dbscan     DBSCAN(eps, min_samples=5) on the Normal training rows, eps the 95% quantile of
             their distance to the 5th nearest row; flows farther than eps from every core
             row are flagged
  mi:K       SelectKBest(mutual_info_classif, k=K) then GaussianNB; fit_s is the selection's
  pca:N      PCA(N) then GaussianNB; fit_s is the PCA's
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


def score(yte, p):
    labels = sorted(set(yte) | set(p))
    P, R, F, _ = precision_recall_fscore_support(yte, p, labels=labels, average="macro", zero_division=0)
    return {"accuracy": accuracy_score(yte, p), "macro_precision": P, "macro_recall": R, "macro_f1": F,
            "labels": [str(l) for l in labels], "confusion": confusion_matrix(yte, p, labels=labels).tolist()}


def detector(name, seed, Xn):
    """Fits on the Normal rows Xn; returns (fit seconds, score function, threshold)."""
    from sklearn.cluster import DBSCAN, KMeans
    from sklearn.neighbors import NearestNeighbors
    t = time.time()
    if name == "kmeans":
        km = KMeans(n_clusters=8, n_init=10, random_state=seed).fit(Xn)
        fit_s = time.time() - t
        scorer = lambda X: km.transform(X).min(axis=1)
        return fit_s, scorer, np.quantile(scorer(Xn), 0.95, method="higher")
    d5 = NearestNeighbors(n_neighbors=5).fit(Xn).kneighbors(Xn)[0][:, 4]
    eps = np.quantile(d5, 0.95, method="higher")
    db = DBSCAN(eps=eps, min_samples=5).fit(Xn)
    fit_s = time.time() - t
    core = NearestNeighbors(n_neighbors=1).fit(db.components_)
    return fit_s, lambda X: core.kneighbors(X)[0][:, 0], eps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--protocol", default="holdout", choices=["holdout", "paper"])
    ap.add_argument("--models", default="xgb,svm,svm-rbf,kmeans,dbscan,mi:20,pca:10")
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
        if name in ("kmeans", "dbscan"):
            fit_s, scorer, threshold = detector(name, a.seed, Xtr[ytr == "Normal"])
            t = time.time(); flagged = scorer(Xte) > threshold; pred_s = time.time() - t
            attack = yte != "Normal"
            P, R, F, _ = precision_recall_fscore_support(attack, flagged, average="binary", zero_division=0)
            rec = {"precision": P, "recall": R, "f1": F, "threshold": float(threshold),
                   "false_positive_rate": float(np.mean(flagged[~attack]))}
            line = f"P={P:.4f} R={R:.4f} F1={F:.4f} threshold={threshold:.4f}"
        elif ":" in name:
            from sklearn.decomposition import PCA
            from sklearn.feature_selection import SelectKBest, mutual_info_classif
            from sklearn.naive_bayes import GaussianNB
            kind, n = name.split(":")
            step = (SelectKBest(lambda X, y: mutual_info_classif(X, y, random_state=a.seed), k=int(n))
                    if kind == "mi" else PCA(n_components=int(n)))
            t = time.time(); step.fit(Xtr, ytr); fit_s = time.time() - t
            nb = GaussianNB().fit(step.transform(Xtr), ytr)
            t = time.time(); p = nb.predict(step.transform(Xte)); pred_s = time.time() - t
            rec = score(yte, p)
            line = f"acc={rec['accuracy']:.4f} F1={rec['macro_f1']:.4f}"
        else:
            m = make(name, a.seed, a.threads, Xtr.shape[1], Xtr.var())
            t = time.time(); m.fit(Xtr, enc.transform(ytr)); fit_s = time.time() - t
            t = time.time(); p = enc.inverse_transform(m.predict(Xte)); pred_s = time.time() - t
            rec = score(yte, p)
            line = f"acc={rec['accuracy']:.4f} F1={rec['macro_f1']:.4f}"
        rec.update({"fit_s": fit_s, "predict_s": pred_s})
        out["models"][name] = rec
        print(f"{name:8s} fit={fit_s:8.2f}s predict={pred_s:7.3f}s {line}", flush=True)
        if a.json:  # after every model: a long run keeps what it has
            with open(a.json, "w") as f:
                json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
