#!/usr/bin/python3
"""Writes test/golden/quant-schemes.json: the quantization schemes of lib/quant-schemes.ts computed with NumPy.

Run with Debian's NumPy, from the repository root, after make_golden.py:

    /usr/bin/python3 test/golden/make_quant_schemes_golden.py

Input: scikit-learn's float32 weights and the test split from test/golden/sklearn-digits.json, and the pixels from
data/digits.csv.gz. For each scheme (per-tensor, per-row, symmetric) and bit width (8, 4, 2) it writes the
quantized values, scales, zero-points, the packed bytes (4 and 2 bits: two's complement, first value in the low
bits, as ONNX packs INT4) and the test accuracy of dequantize-then-predict. The affine quantizer is the original
notebook's quantize_per_tensor with 255 -> 2**bits - 1 and -128 -> -2**(bits-1); the same float32 NumPy arithmetic.
"""
import gzip
import json
import os

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
g = json.load(open(os.path.join(root, "test", "golden", "sklearn-digits.json")))
W = np.array(g["coef_float32"], dtype=np.float32)
b = np.array(g["intercept_float32"], dtype=np.float32)
with gzip.open(os.path.join(root, "data", "digits.csv.gz"), "rt") as f:
    data = np.loadtxt(f, delimiter=",")
X = data[:, :-1].astype(np.float32) / 16.0
y = data[:, -1].astype(int)
Xte, yte = X[g["test_idx"]], y[g["test_idx"]]


def quantize_affine(w, bits):
    w_min, w_max = float(w.min()), float(w.max())
    if w_max == w_min:
        return np.zeros_like(w, dtype=np.int8), 1.0, 0
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    scale = (w_max - w_min) / float(2 ** bits - 1)
    zp = int(round(-w_min / scale)) + qmin
    q = np.clip(np.round(w / scale + zp), qmin, qmax).astype(np.int8)
    return q, scale, zp


def quantize_symmetric(w, bits):
    amax = float(np.abs(w).max())
    if amax == 0:
        return np.zeros_like(w, dtype=np.int8), 1.0, 0
    qmax = 2 ** (bits - 1) - 1
    scale = amax / qmax
    q = np.clip(np.round(w / scale), -qmax, qmax).astype(np.int8)
    return q, scale, 0


def pack(q, bits):
    flat = q.reshape(-1).astype(np.int64) & ((1 << bits) - 1)
    per = 8 // bits
    flat = np.concatenate([flat, np.zeros((-len(flat)) % per, dtype=np.int64)])
    out = np.zeros(len(flat) // per, dtype=np.int64)
    for i in range(per):
        out |= flat[i::per] << (i * bits)
    return out.astype(np.uint8)


cases = []
for scheme in ["per-tensor", "per-row", "symmetric"]:
    for bits in [8, 4, 2]:
        if scheme == "per-tensor":
            q, s, z = quantize_affine(W, bits)
            scales, zps = [s] * W.shape[0], [z] * W.shape[0]
        else:
            fn = quantize_affine if scheme == "per-row" else quantize_symmetric
            rows = [fn(W[k], bits) for k in range(W.shape[0])]
            q = np.stack([r[0] for r in rows])
            scales, zps = [r[1] for r in rows], [r[2] for r in rows]
        scales32 = np.array(scales, dtype=np.float32)
        zps32 = np.array(zps, dtype=np.int32)
        W_deq = (q.astype(np.float32) - zps32[:, None].astype(np.float32)) * scales32[:, None]
        yhat = (Xte @ W_deq.T + b).argmax(axis=1)
        cases.append({
            "scheme": scheme, "bits": bits, "q": q.tolist(), "scales": [float(v) for v in scales32],
            "zeroPoints": zps32.tolist(), "packed": pack(q, bits).tolist() if bits < 8 else None,
            "accuracy": float((yhat == yte).mean()),
            "maxAbsWeightError": float(np.abs(W - W_deq).max()),
        })

path = os.path.join(root, "test", "golden", "quant-schemes.json")
with open(path, "w") as f:
    json.dump({"generator": "test/golden/make_quant_schemes_golden.py", "numpy": np.__version__, "cases": cases}, f,
              separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: " + ", ".join(f"{c['scheme']}/{c['bits']}: {c['accuracy']:.4f}" for c in cases))
