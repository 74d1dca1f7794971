import type { Matrix } from "./matrix";
import { accuracy, predictFp32 } from "./predict";
import { summarize } from "./timing";
import { trainLogisticRegression, type TrainOptions, type TrainResult } from "./train";

/** One row of {@link compareSolvers}: how one solver did on the same split. */
export interface SolverRow {
  /** `"lbfgs"` or `"gd"`. */
  readonly solver: string;
  /** Median training time over `repeat` fits, in milliseconds. */
  readonly train_ms: number;
  /** How many fits the median is over. */
  readonly fits: number;
  /** Iterations (lbfgs) or steps (gd) per class, averaged over the classes. */
  readonly mean_iterations: number;
  /** Classes whose optimiser stopped on its convergence test, out of all classes. */
  readonly converged: string;
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
 * @example
 * displayTable(new dfd.DataFrame(compareSolvers(Xtr, ytr, Xte, yte)));
 */
export function compareSolvers(
  Xtr: Matrix<Float32Array>,
  ytr: Int32Array,
  Xte: Matrix<Float32Array>,
  yte: Int32Array,
  solvers: ReadonlyArray<NonNullable<TrainOptions["solver"]>> = ["lbfgs", "gd"],
  repeat: Readonly<Partial<Record<NonNullable<TrainOptions["solver"]>, number>>> = { lbfgs: 5, gd: 1 },
): SolverRow[] {
  return solvers.map((solver) => {
    const options: TrainOptions = { solver, maxIter: 200, multiClass: "ovr" };
    const runs = repeat[solver] ?? 1;
    if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`compareSolvers: repeat.${solver} must be a positive integer, got ${runs}`);
    // Every fit is timed and the last one's model is reported: a gd fit takes seconds, so none is wasted.
    const samples = new Float64Array(runs);
    let result: TrainResult | undefined;
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      result = trainLogisticRegression(Xtr, ytr, options);
      samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    if (result === undefined) throw new Error("unreachable: at least one fit ran");
    const time = summarize(samples);
    const iterations = result.nIter.reduce((a, b) => a + b, 0) / result.nIter.length;
    return {
      solver,
      train_ms: Math.round(time.medianMs * 10) / 10,
      fits: time.runs,
      mean_iterations: Math.round(iterations * 10) / 10,
      converged: `${result.converged.filter(Boolean).length}/${result.converged.length}`,
      test_accuracy: Math.round(accuracy(predictFp32(Xte, result.model), yte) * 10000) / 10000,
    };
  });
}
