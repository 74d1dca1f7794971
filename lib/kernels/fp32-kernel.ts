/**
 * The float32 baseline of the scaling study: a linear layer `X · Wᵀ + b` written for the cache, in plain
 * TypeScript, so "INT8 vs FP32" compares kernels written with the same care.
 */
import { matrix, type Matrix } from "../core/matrix";
import { blockRows } from "./blocking";

/**
 * A float32 linear layer `[n, d] · [k, d]ᵀ + [k] → [n, k]`, written for the cache:
 *
 * - both operands are row-major with `d` contiguous, so each score is a dot product of two contiguous rows;
 * - the weight rows are taken in blocks of about 512 KB (`lib/kernels/blocking.ts`), and every sample is run
 *   against one block before the next, so the block is read from L2 instead of memory;
 * - inside a block, 4 samples × 2 weight rows are computed at once (8 accumulators): each loaded value is used
 *   2 or 4 times.
 *
 * Products and sums are float64 (JavaScript numbers, as `predictFp32`); the result is stored float32.
 *
 * @param X - inputs `[n, d]`.
 * @param W - weights `[k, d]`, e.g. `[10, 64]`.
 * @param b - biases `[k]`.
 * @param out - optional `[n · k]` buffer (no allocation then).
 * @example
 * const scores = linearFp32(Xte, model.coef, model.intercept); // [450, 10]
 */
export function linearFp32(
  X: Matrix<Float32Array>,
  W: Matrix<Float32Array>,
  b: Float32Array,
  out?: Float32Array,
): Matrix<Float32Array> {
  const { rows: n, cols: d } = X;
  const k = W.rows;
  if (W.cols !== d) throw new RangeError(`linearFp32: X has ${d} features but W has ${W.cols} columns`);
  if (b.length !== k) throw new RangeError(`linearFp32: W has ${k} rows but b has ${b.length} biases`);
  const y = out ?? new Float32Array(n * k);
  if (y.length !== n * k) throw new RangeError(`linearFp32: out has ${y.length} elements, expected ${n}×${k}`);
  const x = X.data;
  const w = W.data;
  const block = blockRows(4 * d, 2);
  const n4 = n - (n % 4);
  for (let c0 = 0; c0 < k; c0 += block) {
    const c1 = Math.min(k, c0 + block);
    const c2 = c1 - ((c1 - c0) % 2); // end of the pairs of rows
    // The same 4 samples × 2 rows skeleton as integerSums (lib/studies/integer-inference.ts), on purpose: a fair
    // comparison.
    for (let i = 0; i < n4; i += 4) {
      const x0 = i * d;
      const x1 = x0 + d;
      const x2 = x1 + d;
      const x3 = x2 + d;
      for (let c = c0; c < c2; c += 2) {
        const w0 = c * d;
        const w1 = w0 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let j = 0; j < d; j++) {
          const a = w[w0 + j];
          const e = w[w1 + j];
          const v0 = x[x0 + j];
          const v1 = x[x1 + j];
          const v2 = x[x2 + j];
          const v3 = x[x3 + j];
          s00 += v0 * a; s01 += v0 * e;
          s10 += v1 * a; s11 += v1 * e;
          s20 += v2 * a; s21 += v2 * e;
          s30 += v3 * a; s31 += v3 * e;
        }
        y[i * k + c] = s00 + b[c]; y[i * k + c + 1] = s01 + b[c + 1];
        y[(i + 1) * k + c] = s10 + b[c]; y[(i + 1) * k + c + 1] = s11 + b[c + 1];
        y[(i + 2) * k + c] = s20 + b[c]; y[(i + 2) * k + c + 1] = s21 + b[c + 1];
        y[(i + 3) * k + c] = s30 + b[c]; y[(i + 3) * k + c + 1] = s31 + b[c + 1];
      }
      for (let c = c2; c < c1; c++) {
        for (let r = 0; r < 4; r++) y[(i + r) * k + c] = dot(x, (i + r) * d, w, c * d, d) + b[c];
      }
    }
    for (let i = n4; i < n; i++) {
      for (let c = c0; c < c1; c++) y[i * k + c] = dot(x, i * d, w, c * d, d) + b[c];
    }
  }
  return matrix(y, n, k);
}

function dot(x: Float32Array, xo: number, w: Float32Array, wo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let j = 0;
  for (; j + 1 < d; j += 2) {
    s0 += x[xo + j] * w[wo + j];
    s1 += x[xo + j + 1] * w[wo + j + 1];
  }
  if (j < d) s0 += x[xo + j] * w[wo + j];
  return s0 + s1;
}
