/**
 * Section 11: two ways to train the same one-vs-rest model, side by side, and what each does to quantization.
 *
 * - `lbfgs`: section 3's solver, scikit-learn's L-BFGS on the L2-regularised log-loss (`C = 1`), stopping when
 *   the gradient is ≤ `tol` (or after `maxIter` iterations);
 * - `gd`: the `ml-logistic-regression` package, plain gradient descent on the unregularised log-loss, a fixed
 *   number of steps, no stopping test.
 *
 * Each row also quantizes its model exactly as section 6 does (`quantizeModel`: int8, one scale and zero-point
 * per row) and counts the test predictions that int8 changes, so the table answers the section's question:
 * does the way a model was trained change what quantization costs?
 */
import { accuracy, predictFp32, predictInt8 } from "../core/predict";
import { quantizeModel } from "../core/quantize";
import { timeItWithResult } from "../core/timing";
import { trainLogisticRegression, type TrainOptions } from "../core/train";
import { checksFor } from "../numerics/checks";
import { roundTo } from "../numerics/round";
import { checkLabelledData, type LabelledData } from "./labelled";

export type { LabelledData };

/** The two solvers of {@link trainLogisticRegression}. */
export type SolverName = "lbfgs" | "gd";

/** Options of {@link compareSolvers}; every field is optional. */
export interface CompareSolversOptions {
  /** L-BFGS's options, section 3's by default: `{ C: 1, maxIter: 200, tol: 1e-4 }`. */
  readonly lbfgs?: Pick<TrainOptions, "C" | "maxIter" | "tol">;
  /**
   * Gradient descent's options. Default {@link SECTION_11_GD}: 100 steps of 3e-3, which keeps the section under a
   * second (each step of each class is a full pass over the 1347 training digits inside ml-matrix).
   */
  readonly gd?: Pick<TrainOptions, "numSteps" | "learningRate">;
  /** Timed fits per solver (the median is reported). Default `{ lbfgs: 3, gd: 1 }`. */
  readonly repeat?: Readonly<Partial<Record<SolverName, number>>>;
}

/**
 * Section 11's gradient descent: 100 full-batch steps of 3e-3 on the summed log-loss. The package's own default
 * is 50,000 steps of 5e-4 (minutes); lib/core/train.ts's `GD_DEFAULTS` (300 steps of 1.5e-3, 0.962) takes about
 * three times as long as this for 0.007 more accuracy. The first steps overshoot (the loss rises, then falls).
 */
export const SECTION_11_GD = Object.freeze({ numSteps: 100, learningRate: 3e-3 });

/** One row of {@link compareSolvers}: one solver on the same split. Snake-case keys: they are table columns. */
export interface SolverRow {
  /** `"lbfgs"` or `"gd"`. */
  readonly solver: SolverName;
  /** Iterations (lbfgs) or steps (gd) per class, averaged over the classes. */
  readonly iterations: number;
  /** How many of the one-vs-rest problems stopped on their convergence test (gd has none: always 0). */
  readonly converged: number;
  /** Median training time (ms), over `repeat` fits, rounded to 0.1 ms. */
  readonly train_ms: number;
  /** Largest |weight| of the FP32 model: it sets the int8 step of its row (`scale = range / 255`). */
  readonly max_abs_weight: number;
  /** FP32 test accuracy. */
  readonly fp32_accuracy: number;
  /** Test accuracy after quantizing this model as section 6 does (int8, per row), predicted as section 7. */
  readonly int8_accuracy: number;
  /** Test images whose label int8 changes, against this solver's own FP32 model. */
  readonly int8_changes: number;
  /** Test images whose FP32 label differs from the lbfgs model's (0 on the lbfgs row). */
  readonly unlike_lbfgs: number;
}

/**
 * Trains the same one-vs-rest model with L-BFGS (section 3) and with gradient descent (`ml-logistic-regression`),
 * quantizes each to int8 as section 6 does, and reports per solver: iterations, convergence, time, the largest
 * weight, FP32 and int8 test accuracy, the labels int8 changes, and the labels that differ from the L-BFGS model.
 * Rows are ready for a DataFrame.
 *
 * @param train - the training split (`Xtr`, `ytr`).
 * @param test - the test split (`Xte`, `yte`).
 * @example
 * const rows = compareSolvers({ X: Xtr, y: ytr }, { X: Xte, y: yte });
 * displayTable(new dfd.DataFrame(rows)); // lbfgs: 48.6 iterations, 10 converged, 0.96 …; gd: 100 steps …
 * compareSolvers({ X: Xtr, y: ytr }, { X: Xte, y: yte }, { gd: { numSteps: 300 }, lbfgs: { C: 0.01 } });
 */
export function compareSolvers(train: LabelledData, test: LabelledData, options: CompareSolversOptions = {}): SolverRow[] {
  const check = checksFor("compareSolvers");
  checkLabelledData(check, "train", train);
  checkLabelledData(check, "test", test);
  const opts = check.options("options", options);
  const repeat = check.options("options.repeat", opts.repeat);
  const runs = {
    lbfgs: check.integer("options.repeat.lbfgs", repeat.lbfgs ?? 3, { min: 1 }),
    gd: check.integer("options.repeat.gd", repeat.gd ?? 1, { min: 1 }),
  };
  const trainOptions: Record<SolverName, TrainOptions> = {
    lbfgs: { maxIter: 200, ...check.options("options.lbfgs", opts.lbfgs), solver: "lbfgs", multiClass: "ovr" },
    gd: { ...SECTION_11_GD, ...check.options("options.gd", opts.gd), solver: "gd", multiClass: "ovr" },
  };

  const solvers: readonly SolverName[] = ["lbfgs", "gd"];
  const fits = solvers.map((solver) => {
    // Each fit is timed and the last one's model is kept: none is run only for its result.
    const { timing, result } = timeItWithResult(() => trainLogisticRegression(train.X, train.y, trainOptions[solver]), {
      warmup: 0,
      repeat: runs[solver],
    });
    return { solver, timing, result, fp32: predictFp32(test.X, result.model) };
  });
  const reference = fits[0].fp32; // the lbfgs model, section 3's
  return fits.map(({ solver, timing, result, fp32 }) => {
    const int8 = predictInt8(test.X, quantizeModel(result.model));
    let maxAbs = 0;
    for (const w of result.model.coef.data) maxAbs = Math.max(maxAbs, Math.abs(w));
    return {
      solver,
      iterations: roundTo(result.nIter.reduce((a, b) => a + b, 0) / result.nIter.length, 1),
      converged: result.converged.filter(Boolean).length,
      train_ms: roundTo(timing.medianMs, 1),
      max_abs_weight: roundTo(maxAbs, 3),
      fp32_accuracy: roundTo(accuracy(fp32, test.y), 4),
      int8_accuracy: roundTo(accuracy(int8, test.y), 4),
      int8_changes: countDifferent(int8, fp32),
      unlike_lbfgs: countDifferent(fp32, reference),
    };
  });
}

function countDifferent(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
