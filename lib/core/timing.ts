import { checksFor } from "../numerics/checks";

/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  /** Median of the timed runs (ms): the figure to quote, robust to a noisy machine. */
  readonly medianMs: number;
  /** First quartile (ms): a quarter of the runs were faster. With {@link q3Ms}, the middle half of the runs. */
  readonly q1Ms: number;
  /** Third quartile (ms): a quarter of the runs were slower. */
  readonly q3Ms: number;
  /** Fastest run (ms). */
  readonly minMs: number;
  /** Slowest run (ms). */
  readonly maxMs: number;
  /** How many timed runs (after warm-up) the figures summarise. */
  readonly runs: number;
  /** Every timed run (ms), in the order they ran. */
  readonly samplesMs: Float64Array;
}

/** How long to warm a function up before timing it: see {@link warmUp}. */
export interface WarmUpOptions {
  /** Untimed calls first, to let the JIT compile and caches fill. Default 3. */
  readonly warmup?: number;
  /**
   * Then keep calling until this many milliseconds of warm-up have passed (counting the `warmup` calls). Default
   * 0. V8 optimises a function only once it is hot, and TurboFan takes tens of milliseconds to compile a big
   * kernel, during which a small call runs ~10× slower: a few warm-up calls can leave it still interpreted.
   */
  readonly warmupMs?: number;
}

/** Options for {@link timeIt}. */
export interface TimeItOptions extends WarmUpOptions {
  /** Timed calls. Default 25. */
  readonly repeat?: number;
}

/**
 * Where every timed or warm-up call's result goes. Being exported, it can be read from outside, so storing into
 * it is never dead code: the optimiser cannot drop a call whose result seems unused.
 */
export const timingSink: { last: unknown } = { last: undefined };

/** Calls `fn` once and returns how long it took (ms, by `process.hrtime.bigint()`); the result goes to {@link timingSink}. */
export function timeCall(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  timingSink.last = fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Untimed warm-up: `warmup` calls, then more until `warmupMs` milliseconds have passed. Returns the duration of
 * the last call (ms; 0 when there was none), to size the timed runs by.
 *
 * @example
 * warmUp(() => predictFp32(Xte, model), { warmup: 5, warmupMs: 100 });
 */
export function warmUp(fn: () => unknown, options: WarmUpOptions = {}): number {
  const warmup = options.warmup ?? 3;
  const warmupMs = options.warmupMs ?? 0;
  checkWarmUp("warmUp", warmup, warmupMs);
  const start = process.hrtime.bigint();
  let lastMs = 0;
  for (let calls = 0; calls < warmup || Number(process.hrtime.bigint() - start) / 1e6 < warmupMs; calls++) {
    lastMs = timeCall(fn);
  }
  return lastMs;
}

/**
 * Times `fn` like Python's `timeit`: untimed warm-up (see {@link warmUp}), then `repeat` timed calls, each with
 * `process.hrtime.bigint()`. One sample is noise on a shared 2-core machine; the median is not.
 *
 * @example
 * const t = timeIt(() => predictFp32(Xte, model), { repeat: 50 });
 * console.log(`${t.medianMs.toFixed(3)} ms (min ${t.minMs.toFixed(3)}, max ${t.maxMs.toFixed(3)})`);
 */
export function timeIt(fn: () => unknown, options: TimeItOptions = {}): Timing {
  return timeItWithResult(fn, options).timing;
}

/**
 * {@link timeIt}, also returning what the last timed call returned: for work too slow to repeat just to get its
 * result (a training run of seconds).
 *
 * @example
 * const { timing, result } = timeItWithResult(() => trainLogisticRegression(Xtr, ytr), { warmup: 0, repeat: 5 });
 * result.model; // the last fit's model; timing.medianMs its median time
 */
export function timeItWithResult<T>(fn: () => T, options: TimeItOptions = {}): { timing: Timing; result: T } {
  checkWarmUp("timeIt", options.warmup ?? 3, options.warmupMs ?? 0);
  const repeat = checksFor("timeIt").positiveInteger("repeat", options.repeat ?? 25);
  warmUp(fn, options);
  const samples = new Float64Array(repeat);
  for (let i = 0; i < repeat; i++) samples[i] = timeCall(fn);
  // timeCall left the last timed call's result in the sink: that call returned a T.
  return { timing: { ...summarize(samples), samplesMs: samples }, result: timingSink.last as T };
}

function checkWarmUp(fn: "warmUp" | "timeIt", warmup: number, warmupMs: number): void {
  const check = checksFor(fn);
  check.nonNegativeInteger("warmup", warmup);
  check.number("warmupMs", warmupMs, { min: 0, what: "a non-negative number of milliseconds" });
}

/**
 * Median, quartiles, min and max of `samples` (ms), the quartiles as NumPy's `np.percentile(samples, [25, 75])`
 * (linear interpolation between the two nearest runs). Throws on an empty array.
 *
 * @example
 * summarize(Float64Array.of(4, 1, 3, 2)); // { medianMs: 2.5, q1Ms: 1.75, q3Ms: 3.25, minMs: 1, maxMs: 4, runs: 4 }
 */
export function summarize(samples: Float64Array): Omit<Timing, "samplesMs"> {
  if (samples.length === 0) throw new RangeError("summarize: no samples");
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const percentile = (p: number): number => {
    const at = ((n - 1) * p) / 100;
    const lo = Math.floor(at);
    return lo + 1 < n ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (at - lo) : sorted[lo];
  };
  return { medianMs: percentile(50), q1Ms: percentile(25), q3Ms: percentile(75), minMs: sorted[0], maxMs: sorted[n - 1], runs: n };
}

/**
 * The spread behind a median, for printing after it: `median of 100 runs; middle half 0.395–0.408`. The middle
 * half (the interquartile range) says how steady the runs were; a single slow run (a garbage collection, another
 * process) moves the maximum but not it.
 *
 * @param unit - `"ms"` (default) or `"s"`: the figures are converted and rounded to 3 (ms) or 4 (s) decimals.
 * @example
 * console.log("FP32 inference time (ms):", roundTo(t.medianMs, 3), `(${describeSpread(t)})`);
 */
export function describeSpread(t: Omit<Timing, "samplesMs">, unit: "ms" | "s" = "ms"): string {
  const f = (ms: number): string => (unit === "s" ? (ms / 1000).toFixed(4) : ms.toFixed(3));
  return `median of ${t.runs} runs; middle half ${f(t.q1Ms)}–${f(t.q3Ms)}`;
}
