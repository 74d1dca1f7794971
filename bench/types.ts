/** One benchmarked figure: `fn` is timed after warm-up; `name` is its key in `npm run bench -- --json`. */
export interface BenchCase {
  /** Key in the JSON report, e.g. `predict.fp32` or `layer.4096x4096.b1.integer`. */
  readonly name: string;
  /** The work to time; its result goes to `timingSink` (`lib/timing.ts`), so the call is not optimised away. */
  readonly fn: () => unknown;
  /** Timed runs (default decided by the runner). */
  readonly runs?: number;
  /**
   * Warm up for at least this many milliseconds before timing, besides the runner's few warm-up calls (timeIt's
   * `warmupMs`). Default 0.
   */
  readonly warmupMs?: number;
}
