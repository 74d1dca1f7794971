/**
 * Training a one-vs-rest logistic regression: scikit-learn 1.2.1's
 * `LogisticRegression(solver="lbfgs", multi_class="ovr")` ported to typed arrays, plus a plain gradient-descent
 * alternative from the `ml-logistic-regression` package for comparison.
 */
import type { Matrix as MlMatrix } from "ml-matrix";
import { checksFor } from "../numerics/checks";
import { minimizeLbfgs } from "../numerics/lbfgs";
import { BinaryLogLoss } from "../numerics/logistic-loss";
import { matrix, type Matrix } from "./matrix";
import type { LinearModel } from "./model";

/** Options of {@link trainLogisticRegression}, named after scikit-learn's `LogisticRegression` arguments. */
export interface TrainOptions {
  /**
   * `solver`: `"lbfgs"` (default), scikit-learn's L-BFGS on the L2-regularised log-loss, or `"gd"`, the
   * `ml-logistic-regression` package's plain gradient descent (no regularisation, fixed step count).
   */
  readonly solver?: "lbfgs" | "gd";
  /** `multi_class`: only `"ovr"` (one binary problem per class, that class against the rest). Default `"ovr"`. */
  readonly multiClass?: "ovr";
  /** `C` (lbfgs): inverse of the L2 regularisation strength, > 0; smaller is stronger. Default 1.0. */
  readonly C?: number;
  /** `max_iter` (lbfgs): the most L-BFGS iterations per class, an integer > 0. Default 200, as the original. */
  readonly maxIter?: number;
  /** `tol` (lbfgs): stop a class when the gradient's largest component is ≤ tol (SciPy's `gtol`). Default 1e-4. */
  readonly tol?: number;
  /** `learningRate` (gd): the gradient-ascent step on the summed log-likelihood, > 0. Default {@link GD_DEFAULTS}. */
  readonly learningRate?: number;
  /** `numSteps` (gd): how many full-batch steps per class, an integer > 0. Default {@link GD_DEFAULTS}. */
  readonly numSteps?: number;
  /**
   * (lbfgs) How the two matrix-vector products per evaluation run (`lib/logistic-kernels.ts`): `"wasm"`,
   * WebAssembly SIMD (the products about 5× faster; the whole training on the digits about 3.4×, 32.5 ms against
   * 109 ms in `npm run bench`), `"js"`, plain JavaScript loops, or `"auto"` (default), WebAssembly when the
   * runtime has SIMD, else JavaScript. The results agree to rounding (sums taken in another order).
   */
  readonly kernels?: "auto" | "wasm" | "js";
}

/** What {@link trainLogisticRegression} returns: the model and how each class's optimisation went. */
export interface TrainResult {
  /** float32 weights `[k, d]`, biases `[k]` and the sorted labels `[k]` (see {@link trainLogisticRegression} for k). */
  readonly model: LinearModel;
  /** Iterations per binary problem, as scikit-learn's `n_iter_` (gd: `numSteps` for each). */
  readonly nIter: Int32Array;
  /**
   * Per binary problem: did the optimiser stop on its convergence test (SciPy status 0)? gd has no test: it
   * stops after `numSteps` steps wherever it is, so it reports `false`.
   */
  readonly converged: boolean[];
  /** Convergence warnings in scikit-learn's `ConvergenceWarning` words, one per problem that did not converge. */
  readonly warnings: string[];
  /** Which kernels ran the products (see {@link TrainOptions.kernels}); gd: `"js"` (ml-matrix). */
  readonly kernels: "wasm" | "js";
}

/**
 * Defaults of the `"gd"` solver, chosen on the original's split (1347 training digits scaled to 0..1).
 *
 * `ml-logistic-regression` ships `numSteps: 50000, learningRate: 5e-4`: several minutes here, since each step
 * of each class multiplies and transposes ml-matrix objects (about 1 ms). Its gradient is a sum over the
 * samples, not a mean; at w = 0 the summed log-loss has curvature ¼·λmax(XᵀX) ≈ 3.9e3 (with the ones column),
 * so 2/3.9e3 ≈ 5.2e-4 is the textbook-safe step, and at that step it takes ~1000 steps (≈ 10 s) to reach
 * 0.96. The curvature σ(1−σ)·XᵀX shrinks as the fit grows confident, so a larger step pays: at 1.5e-3 the
 * first step overshoots (the loss rises once) and from then on the loss falls at every step; 300 steps give
 * 433/450 = 0.962 on the test split in about 3 s (1e-3 needs ~500 steps; 2e-3 overshoots for several steps).
 */
export const GD_DEFAULTS = { numSteps: 300, learningRate: 1.5e-3 } as const;

/**
 * Fits a one-vs-rest logistic regression, as scikit-learn 1.2.1's
 * `LogisticRegression(C=1.0, tol=1e-4, max_iter=200, solver="lbfgs", multi_class="ovr").fit(X, y)`.
 *
 * `"lbfgs"`: for each class c (ascending), labels become yᵢ = 1 for class c, 0 otherwise, and
 * `Σᵢ [log(1 + exp(zᵢ)) − yᵢ·zᵢ] + ‖w‖²/(2C)`, zᵢ = xᵢ·w + b, is minimised from w = 0, b = 0 (the intercept is
 * not penalised): scikit-learn's `LinearModelLoss(HalfBinomialLoss())` with unit sample weights (a sum, not a
 * mean) and `l2_reg_strength = 1/C`; that is C·Σ log(1 + exp(−ỹᵢzᵢ)) + ½‖w‖² (ỹᵢ = ±1) divided by C, the same
 * minimiser at the scale SciPy's stopping tests see in scikit-learn. The optimiser is
 * {@link minimizeLbfgs}, called as scikit-learn calls SciPy: `gtol = tol`, `maxiter = maxIter`, memory 10,
 * `ftol` 2.22e-9, `maxls` 20. Computation is float64 (X is widened once); the model is rounded to float32.
 *
 * `"gd"`: `ml-logistic-regression`'s one-vs-rest gradient descent on X with a column of ones (its intercept),
 * converted to a {@link LinearModel} whose argmax predicts what that package's `predict` does.
 *
 * With two classes scikit-learn fits one problem (the larger label positive) and `coef_` has one row; here the
 * model gets two rows, `[−w, w]` and `[−b, b]`, so that argmax predicts as scikit-learn does (class 1 iff
 * x·w + b > 0). `nIter` then has one entry.
 *
 * @param X - training samples `[n, d]`, finite (e.g. the digits scaled to 0..1). Not modified.
 * @param y - class labels `[n]`, at least two distinct values.
 * @param options - see {@link TrainOptions}. Defaults: `solver "lbfgs"`, `multiClass "ovr"`, `C 1`,
 *   `maxIter 200`, `tol 1e-4`; gd: {@link GD_DEFAULTS}.
 * @returns the float32 model, iterations per class, convergence flags and warnings (a class that hits
 *   `maxIter` is a warning, not an error).
 * @throws RangeError naming the argument: X empty, X/y lengths differ, a non-finite pixel (row and column
 *   given), fewer than two classes, C/maxIter/tol/learningRate/numSteps not positive, unknown
 *   solver/multiClass/kernels.
 * @example
 * const { model, nIter, warnings } = trainLogisticRegression(Xtr, ytr, { maxIter: 200 });
 * model.coef.rows; // 10: one row of 64 weights per digit
 * warnings.forEach((w) => console.warn(w));
 */
export function trainLogisticRegression(
  X: Matrix<Float32Array>,
  y: Int32Array,
  options: TrainOptions = {},
): TrainResult {
  const opts = check.options("options", options);
  const solver = check.oneOf("options.solver", opts.solver ?? "lbfgs", ["lbfgs", "gd"] as const);
  check.oneOf("options.multiClass", opts.multiClass ?? "ovr", ["ovr"] as const);
  const classes = checkData(X, y);
  return solver === "lbfgs" ? trainLbfgs(X, y, classes, opts) : trainGd(X, y, classes, opts);
}

/** The text of scikit-learn 1.2.1's `ConvergenceWarning` for an L-BFGS run that ended with `status` ≠ 0. */
export function convergenceWarning(status: number, message: string): string {
  return (
    `lbfgs failed to converge (status=${status}):\n${message}.\n\n` +
    "Increase the number of iterations (max_iter) or scale the data as shown in:\n" +
    "    https://scikit-learn.org/stable/modules/preprocessing.html\n" +
    "Please also refer to the documentation for alternative solver options:\n" +
    "    https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression"
  );
}

// ---------------------------------------------------------------------------------------------------------------
// lbfgs

function trainLbfgs(X: Matrix<Float32Array>, y: Int32Array, classes: Int32Array, options: TrainOptions): TrainResult {
  const C = check.positive("options.C", options.C ?? 1);
  const maxIter = check.positiveInteger("options.maxIter", options.maxIter ?? 200);
  const tol = check.positive("options.tol", options.tol ?? 1e-4);
  const { rows: n, cols: d } = X;
  const k = classes.length;
  const target = new Float64Array(n);
  const kernels = check.oneOf("options.kernels", options.kernels ?? "auto", ["auto", "wasm", "js"] as const);
  // X is widened to float64 once and shared by every class.
  const objective = new BinaryLogLoss(X, target, 1 / C, kernels);
  const problems = k === 2 ? 1 : k;
  const W = new Float32Array(k * d);
  const b = new Float32Array(k);
  const nIter = new Int32Array(problems);
  const converged: boolean[] = [];
  const warnings: string[] = [];
  const x0 = new Float64Array(d + 1);
  for (let p = 0; p < problems; p++) {
    const positive = classes[k === 2 ? 1 : p];
    for (let i = 0; i < n; i++) target[i] = y[i] === positive ? 1 : 0;
    const r = minimizeLbfgs(objective, x0, { memory: 10, maxIter, gtol: tol });
    nIter[p] = Math.min(r.nIter, maxIter);
    converged.push(r.status === 0);
    if (r.status !== 0) {
      warnings.push(`${convergenceWarning(r.status, r.message)}\n(class ${positive} vs rest, after ${r.nIter} iterations)`);
    }
    if (k === 2) {
      for (let j = 0; j < d; j++) {
        W[j] = -r.x[j];
        W[d + j] = r.x[j];
      }
      b[0] = -r.x[d];
      b[1] = r.x[d];
    } else {
      for (let j = 0; j < d; j++) W[p * d + j] = r.x[j];
      b[p] = r.x[d];
    }
  }
  return {
    model: { coef: matrix(W, k, d), intercept: b, classes },
    nIter,
    converged,
    warnings,
    kernels: objective.kernelKind,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// gd (ml-logistic-regression)

/** The parts of `ml-logistic-regression` 2.0.0 used here (the package ships no types). */
interface MlBinaryClassifier {
  /** `[1, d + 1]` after training: the weights for the "not this class" probability. */
  readonly weights: MlMatrix;
}
interface MlLogisticRegression {
  readonly classifiers: MlBinaryClassifier[];
  train(X: MlMatrix, y: MlMatrix): void;
}
type MlLogisticRegressionConstructor = new (options: { numSteps: number; learningRate: number }) => MlLogisticRegression;

function trainGd(X: Matrix<Float32Array>, y: Int32Array, classes: Int32Array, options: TrainOptions): TrainResult {
  const numSteps = check.positiveInteger("options.numSteps", options.numSteps ?? GD_DEFAULTS.numSteps);
  const learningRate = check.positive("options.learningRate", options.learningRate ?? GD_DEFAULTS.learningRate);
  const { rows: n, cols: d } = X;
  const k = classes.length;
  // The package numbers classes 0..k-1 and has no intercept: encode the labels, append a column of ones.
  const { Matrix: MlMatrixClass } = require("ml-matrix") as typeof import("ml-matrix"); // loaded only for gd
  const features = new MlMatrixClass(n, d + 1);
  const encoded = new MlMatrixClass(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) features.set(i, j, X.data[i * d + j]);
    features.set(i, d, 1);
    encoded.set(i, 0, lowerBound(classes, y[i]));
  }
  // The package transposes the (unchanging) features at every step, more than half of a step's time: hand it
  // the transpose computed once. Same numbers, same model.
  const transposed = features.transpose();
  features.transpose = () => transposed;
  const Ctor = require("ml-logistic-regression") as MlLogisticRegressionConstructor;
  const lr = new Ctor({ numSteps, learningRate });
  lr.train(features, encoded);
  // Each binary classifier labels its class 0 ("positive") and the rest 1, and the package predicts the class
  // whose sigmoid(x·v) is smallest. sigmoid is increasing, so that is the argmax of −x·v: coef = −v[:d],
  // intercept = −v[d].
  const W = new Float32Array(k * d);
  const b = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    const v = lr.classifiers[c].weights;
    for (let j = 0; j < d; j++) W[c * d + j] = -v.get(0, j);
    b[c] = -v.get(0, d);
  }
  return {
    model: { coef: matrix(W, k, d), intercept: b, classes },
    nIter: new Int32Array(k).fill(numSteps),
    converged: new Array<boolean>(k).fill(false),
    warnings: [],
    kernels: "js",
  };
}

// ---------------------------------------------------------------------------------------------------------------
// checks

const check = checksFor("trainLogisticRegression");

/** Validates X and y; returns the sorted distinct labels (`np.unique(y)`). */
function checkData(X: Matrix<Float32Array>, y: Int32Array): Int32Array {
  const where = "trainLogisticRegression";
  if (!(X?.data instanceof Float32Array)) throw check.typeError("X", "a Matrix<Float32Array> (as scalePixels returns)", X);
  if (X.rows === 0 || X.cols === 0) {
    throw new RangeError(`${where}: X is empty ([${X.rows}, ${X.cols}]); it needs at least one sample and one feature`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new RangeError(`${where}: X.data has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
  }
  if (!(y instanceof Int32Array)) throw check.typeError("y", "an Int32Array of labels", y);
  if (y.length !== X.rows) {
    throw new RangeError(`${where}: X has ${X.rows} rows but y has ${y.length} labels; they must match`);
  }
  const data = X.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / X.cols);
      throw new RangeError(`${where}: X contains ${data[i]} at row ${row}, column ${i - row * X.cols}; X must be finite`);
    }
  }
  const classes = Int32Array.from(new Set(y)).sort();
  if (classes.length < 2) {
    throw new RangeError(
      `${where}: y needs samples of at least 2 classes, but the data contains only one class: ${classes[0]}`,
    );
  }
  return classes;
}


/** Index of `value` in the sorted `sorted` (present by construction). */
function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
