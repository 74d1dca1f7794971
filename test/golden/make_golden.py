#!/usr/bin/python3
"""Writes test/golden/sklearn-digits.json: the original notebook's numbers, computed by scikit-learn itself.

Run with Debian's scikit-learn (apt-get install python3-sklearn), from the repository root:

    /usr/bin/python3 test/golden/make_golden.py

It follows the original notebook's cells 2, 3, 5, 6 and 7 line for line (the timing lines aside), reading the
project's own data/digits.csv.gz, which is the file load_digits() reads.
"""
import gzip
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with gzip.open(os.path.join(root, "data", "digits.csv.gz"), "rt") as f:
    data = np.loadtxt(f, delimiter=",")
X, y = data[:, :-1], data[:, -1].astype(int)

# Section 2
X = X.astype(np.float32) / 16.0
idx = np.arange(len(y))
Xtr, Xte, ytr, yte, idx_tr, idx_te = train_test_split(X, y, idx, test_size=0.25, random_state=0, stratify=y)

# Section 3 (warnings about multi_class are irrelevant to the numbers)
import warnings
warnings.simplefilter("ignore")
clf = LogisticRegression(max_iter=200, solver="lbfgs", multi_class="ovr", n_jobs=1)
clf.fit(Xtr, ytr)

# Section 4
yhat_fp32 = clf.predict(Xte)
acc_fp32 = (yhat_fp32 == yte).mean()
size_fp32_bytes = clf.coef_.nbytes + clf.intercept_.nbytes

# Section 5
def quantize_per_tensor(w):
    w_min, w_max = float(w.min()), float(w.max())
    if w_max == w_min:
        scale, zp = 1.0, 0
        q = np.zeros_like(w, dtype=np.int8)
    else:
        scale = (w_max - w_min) / 255.0
        zp = int(round(-w_min / scale)) - 128
        q = np.clip(np.round(w / scale + zp), -128, 127).astype(np.int8)
    return q, scale, zp

def dequantize_per_tensor(q, scale, zp):
    return (q.astype(np.float32) - zp) * scale

# Section 6
W = clf.coef_.astype(np.float32)
b = clf.intercept_.astype(np.float32)
qW_list, scales, zps = [], [], []
for k in range(W.shape[0]):
    q, s, z = quantize_per_tensor(W[k])
    qW_list.append(q); scales.append(s); zps.append(z)
qW = np.stack(qW_list, axis=0)
scales_f64 = list(scales)
scales = np.array(scales, dtype=np.float32)
zps = np.array(zps, dtype=np.int32)
size_int8_bytes = qW.nbytes + b.nbytes

# Section 7
def predict_int8(X):
    W_deq = np.vstack([dequantize_per_tensor(qW[k], scales[k], zps[k]) for k in range(qW.shape[0])])
    logits = X @ W_deq.T + b
    return logits.argmax(axis=1)

yhat_int8 = predict_int8(Xte)
acc_int8 = (yhat_int8 == yte).mean()
W_deq = np.vstack([dequantize_per_tensor(qW[k], scales[k], zps[k]) for k in range(qW.shape[0])])

# Extra edge cases of the quantizer, so the port is tested beyond the digits weights.
rng = np.random.RandomState(7)
quant_cases = []
for w in [
    np.array([-1.0, 0.0, 0.5, 1.0], dtype=np.float32),
    np.array([0.25, 0.25, 0.25], dtype=np.float32),
    np.array([3.0], dtype=np.float32),
    np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32),   # all positive: zp below -128, clipping
    np.array([-5.0, -4.0, -0.5], dtype=np.float32),     # all negative
    np.linspace(-1, 1, 511).astype(np.float32),          # many exact .5 ties
    (rng.randn(64) * 0.3).astype(np.float32),
    (rng.randn(1000) * 5 + 2).astype(np.float32),
    np.array([1e-8, -1e-8, 3e-9], dtype=np.float32),
]:
    q, s, z = quantize_per_tensor(w)
    quant_cases.append({
        "w": [float(v) for v in w], "q": q.tolist(), "scale": s, "zp": z,
        "deq": [float(v) for v in dequantize_per_tensor(q, np.float32(s), np.int32(z))],
    })

out = {
    "generator": "test/golden/make_golden.py",
    "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
    "train_idx": idx_tr.tolist(),
    "test_idx": idx_te.tolist(),
    "coef": clf.coef_.tolist(),
    "intercept": clf.intercept_.tolist(),
    "n_iter": clf.n_iter_.tolist(),
    "classes": clf.classes_.tolist(),
    "yhat_fp32": yhat_fp32.tolist(),
    "acc_fp32": float(acc_fp32),
    "size_fp32_bytes_float64": int(size_fp32_bytes),
    "coef_float32": [[float(v) for v in row] for row in W],
    "intercept_float32": [float(v) for v in b],
    "qW": qW.tolist(),
    "scales": [float(s) for s in scales],
    "scales_float64": scales_f64,
    "zps": zps.tolist(),
    "W_deq": [[float(v) for v in row] for row in W_deq],
    "size_int8_bytes": int(size_int8_bytes),
    "yhat_int8": yhat_int8.tolist(),
    "acc_int8": float(acc_int8),
    "quant_cases": quant_cases,
}
path = os.path.join(root, "test", "golden", "sklearn-digits.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: acc_fp32={acc_fp32:.4f} acc_int8={acc_int8:.4f} n_iter={clf.n_iter_.tolist()}")
