import type { Matrix } from "../core/matrix";
import { accuracy, predictFp32 } from "../core/predict";
import { timeItWithResult } from "../core/timing";
import { trainLogisticRegression, type TrainOptions } from "../core/train";

/** A solver of {@link trainLogisticRegression}: `"lbfgs"` or `"gd"`. */
export type SolverName = NonNullable<TrainOptions["solver"]>;

/** The training options {@link compareSolvers} starts from, as the original's: `max_iter=200, multi_class="ovr"`. */
const DEFAULT_TRAIN_OPTIONS: Readonly<Omit<TrainOptions, "solver">> = { maxIter: 200, multiClass: "ovr" };

/** One row of {@link compareSolvers}: how one solver did on the same split. */
export interface SolverRow {
  /** Which solver. */
  readonly solver: SolverName;
  /** Median training time over `repeat` fits, in milliseconds. */
  readonly train_ms: number;
  /** How many fits the median is over. */
  readonly fits: number;
  /** Iterations (lbfgs) or steps (gd) per class, averaged over the classes. */
  readonly mean_iterations: number;
  /** How many classes' optimisers stopped on their convergence test (out of {@link SolverRow.classes}). */
  readonly converged: number;
  /** How many classes (one binary problem each). */
  readonly classes: number;
  /** Accuracy on the test set. */
  readonly test_accuracy: number;
}

/**
 * Trains the same one-vs-rest model with each solver and reports time, iterations and test accuracy side by
 * side, ready for a DataFrame (`new dfd.DataFrame(rows)`).
 *
 * @param solvers - which solvers, default `["lbfgs", "gd"]`; gd takes seconds, so its fits are repeated less.
 * @param repeat - timed fits per solver, default `{ lbfgs: 5, gd: 1 }` (the first lbfgs fit includes the JIT's
 *   warm-up, which the median absorbs).
 * @param trainOptions - the other training options, the same for every solver (each row sets its `solver`);
 *   default the original's `{ maxIter: 200, multiClass: "ovr" }` (each option given replaces its default).
 * @example
 * displayTable(new dfd.DataFrame(compareSolvers(Xtr, ytr, Xte, yte)));
 * compareSolvers(Xtr, ytr, Xte, yte, ["lbfgs"], { lbfgs: 3 }, { C: 0.1, maxIter: 50 });
 */
export function compareSolvers(
  Xtr: Matrix<Float32Array>,
  ytr: Int32Array,
  Xte: Matrix<Float32Array>,
  yte: Int32Array,
  solvers: readonly SolverName[] = ["lbfgs", "gd"],
  repeat: Readonly<Partial<Record<SolverName, number>>> = { lbfgs: 5, gd: 1 },
  trainOptions: Readonly<Omit<TrainOptions, "solver">> = {},
): SolverRow[] {
  return solvers.map((solver) => {
    const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...trainOptions, solver };
    const runs = repeat[solver] ?? 1;
    if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`compareSolvers: repeat.${solver} must be a positive integer, got ${runs}`);
    // Every fit is timed and the last one's model is reported: a gd fit takes seconds, so none is wasted.
    const { timing, result } = timeItWithResult(() => trainLogisticRegression(Xtr, ytr, options), { warmup: 0, repeat: runs });
    const iterations = result.nIter.reduce((a, b) => a + b, 0) / result.nIter.length;
    return {
      solver,
      train_ms: Math.round(timing.medianMs * 10) / 10,
      fits: timing.runs,
      mean_iterations: Math.round(iterations * 10) / 10,
      converged: result.converged.filter(Boolean).length,
      classes: result.converged.length,
      test_accuracy: Math.round(accuracy(predictFp32(Xte, result.model), yte) * 10000) / 10000,
    };
  });
}
