/**
 * The logistic loss L-BFGS minimises for each one-vs-rest class (lib/core/train.ts): scikit-learn 1.2.1's
 * binary `LinearModelLoss(HalfBinomialLoss())`, value and gradient in float64, its two matrix products run by
 * lib/kernels/logistic-kernels.ts (WebAssembly SIMD, or plain JavaScript).
 */
import type { Matrix } from "../core/matrix";
import type { Objective } from "./lbfgs";
import { makeLogisticKernels, type LogisticKernels } from "../kernels/logistic-kernels";

/**
 * scikit-learn's binary `LinearModelLoss(HalfBinomialLoss(), fit_intercept=True).loss_gradient` with unit
 * sample weights: parameters `[w₀ … w_{d−1}, b]`, value `Σᵢ ℓ(yᵢ, zᵢ) + ½λ‖w‖²`, zᵢ = xᵢ·w + b, with
 * ℓ(y, z) = log(1 + eᶻ) − y·z computed without overflow as scikit-learn's `closs_grad_half_binomial`.
 *
 * Everything lives in one float64 "heap" (a WebAssembly memory, or a plain Float64Array for the JavaScript
 * kernels), laid out once per training: X `[nPad, stride]` row-major, padded with zero rows and columns so the
 * kernels need no remainder loops, then w `[stride]`, the scores `[nPad]`, the residuals `[nPad]` and Xᵀ·r
 * `[stride]`. Per class only `target` (0/1) changes. No allocation per call.
 */
export class BinaryLogLoss implements Objective {
  private readonly heap: Float64Array;
  private readonly kernels: LogisticKernels;
  private readonly n: number;
  private readonly d: number;
  private readonly nPad: number;
  private readonly stride: number;
  // Offsets into the heap, in float64 elements.
  private readonly wAt: number;
  private readonly scoresAt: number;
  private readonly residualAt: number;
  private readonly xtrAt: number;

  constructor(
    X: Matrix<Float32Array>,
    private readonly target: Float64Array,
    private readonly l2: number,
    kind: "auto" | "wasm" | "js",
  ) {
    const { rows: n, cols: d } = X;
    this.n = n;
    this.d = d;
    const nPad = (this.nPad = Math.ceil(n / 4) * 4);
    const stride = (this.stride = Math.ceil(d / 8) * 8);
    this.wAt = nPad * stride;
    this.scoresAt = this.wAt + stride;
    this.residualAt = this.scoresAt + nPad;
    this.xtrAt = this.residualAt + nPad;
    const size = this.xtrAt + stride;
    this.kernels = makeLogisticKernels(size, kind);
    const heap = (this.heap = this.kernels.heap);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) heap[i * stride + j] = X.data[i * d + j];
    }
  }

  /** Which kernels run the products: `"wasm"` or `"js"`. */
  get kernelKind(): "wasm" | "js" {
    return this.kernels.kind;
  }

  /** f(x) and ∇f(x) into `grad` (both `[d + 1]`, intercept last), for {@link minimizeLbfgs}. */
  valueAndGradient(x: Float64Array, grad: Float64Array): number {
    const { heap, target, n, d, nPad, stride, wAt, scoresAt, residualAt, xtrAt, l2 } = this;
    for (let j = 0; j < d; j++) heap[wAt + j] = x[j];
    this.kernels.scores(0, nPad, stride, wAt, x[d], scoresAt);
    let loss = 0;
    let sumResidual = 0;
    for (let i = 0; i < n; i++) {
      const z = heap[scoresAt + i];
      const t = target[i];
      let li: number;
      let gi: number;
      if (z <= 0) {
        const e = Math.exp(z);
        li = (z <= -37 ? e : Math.log1p(e)) - t * z;
        gi = ((1 - t) * e - t) / (1 + e);
      } else {
        const e = Math.exp(-z);
        li = (z <= 18 ? Math.log1p(e) : e) + (1 - t) * z;
        gi = (1 - t - t * e) / (1 + e);
      }
      loss += li;
      heap[residualAt + i] = gi; // ∂ℓ/∂z = σ(z) − y; the padding rows stay 0
      sumResidual += gi;
    }
    this.kernels.xtr(0, nPad, stride, residualAt, xtrAt);
    let ww = 0;
    for (let j = 0; j < d; j++) {
      const wj = x[j];
      ww += wj * wj;
      grad[j] = heap[xtrAt + j] + l2 * wj;
    }
    grad[d] = sumResidual;
    return loss + 0.5 * l2 * ww;
  }
}
