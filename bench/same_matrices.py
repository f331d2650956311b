#!/usr/bin/python3
"""scikit-learn / XGBoost on the exact matrices Vigil's models were given
(`vigil experiment --export-prepared DIR`): the rows after imputation, scaling,
SMOTE and selection, so that model is compared with model and nothing else
(the two pipelines' SMOTE draws differ, which on UNSW-NB15's 9-row Worms class
moves macro-F1 by +-0.02 from seed to seed).

usage: /usr/bin/python3 bench/same_matrices.py DIR [--models rf,xgb,nb,lr,knn] [--seed 42] [--threads 2]
prints one JSON object per model: fit_s, predict_s, accuracy, macro_f1
"""
import argparse, json, os, sys, time
import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "bench"))
sys.path.insert(0, here)
import sklearn_ref as ref  # noqa: E402  (the study's five, as the reference sets them up)
from reference_more import make  # noqa: E402  (xgb, svm as Vigil's defaults)
from sklearn.metrics import accuracy_score, precision_recall_fscore_support


def read(path):
    df = pd.read_csv(path, low_memory=False)
    y = df.pop("class").astype(str).values
    return df.values.astype(np.float32), y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--models", default="rf,xgb")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    xtr, ytr = read(os.path.join(a.dir, "train.csv"))
    xte, yte = read(os.path.join(a.dir, "test.csv"))
    names = sorted(set(ytr) | set(yte))
    code = {n: i for i, n in enumerate(names)}
    ytr_i = np.array([code[v] for v in ytr])
    yte_i = np.array([code[v] for v in yte])
    for name in a.models.split(","):
        if name in ("xgb", "svm", "svm-rbf"):
            model = make(name, a.seed, a.threads, xtr.shape[1], float(np.var(xtr)))
        else:
            model = ref.models([name], a.seed, a.threads)[0][1]
        t = time.time(); model.fit(xtr, ytr_i); fit_s = time.time() - t
        t = time.time(); p = model.predict(xte); pred_s = time.time() - t
        _, _, f1, _ = precision_recall_fscore_support(yte_i, p, labels=list(range(len(names))), average="macro",
                                                      zero_division=0)
        print(json.dumps({"model": name, "fit_s": fit_s, "predict_s": pred_s,
                          "accuracy": accuracy_score(yte_i, p), "macro_f1": f1}), flush=True)


if __name__ == "__main__":
    main()
