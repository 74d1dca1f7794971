/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  /** Median of the timed runs (ms): the figure to quote, robust to a noisy machine. */
  readonly medianMs: number;
  /** Fastest run (ms). */
  readonly minMs: number;
  /** Slowest run (ms). */
  readonly maxMs: number;
  /** How many timed runs (after warm-up) the figures summarise. */
  readonly runs: number;
  /** Every timed run (ms), in the order they ran. */
  readonly samplesMs: Float64Array;
}

/** Options for {@link timeIt}. */
export interface TimeItOptions {
  /** Untimed calls first, to let the JIT compile and caches fill. Default 3. */
  readonly warmup?: number;
  /** Timed calls. Default 25. */
  readonly repeat?: number;
}

/**
 * Times `fn` like Python's `timeit`: a few untimed warm-up calls, then `repeat` timed calls, each with
 * `process.hrtime.bigint()`. One sample is noise on a shared 2-core machine; the median is not.
 *
 * @example
 * const t = timeIt(() => predictFp32(Xte, model), { repeat: 50 });
 * console.log(`${t.medianMs.toFixed(3)} ms (min ${t.minMs.toFixed(3)}, max ${t.maxMs.toFixed(3)})`);
 */
export function timeIt(fn: () => unknown, options: TimeItOptions = {}): Timing {
  const warmup = options.warmup ?? 3;
  const repeat = options.repeat ?? 25;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new RangeError(`timeIt: warmup must be a non-negative integer, got ${warmup}`);
  }
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new RangeError(`timeIt: repeat must be a positive integer, got ${repeat}`);
  }
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const samples = new Float64Array(repeat);
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    sink = fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  keepAlive(sink);
  return { ...summarize(samples), samplesMs: samples };
}

/** Median, min and max of `samples` (ms). Throws on an empty array. */
export function summarize(samples: Float64Array): Omit<Timing, "samplesMs"> {
  if (samples.length === 0) throw new RangeError("summarize: no samples");
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const medianMs = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { medianMs, minMs: sorted[0], maxMs: sorted[n - 1], runs: n };
}

/** Formats a timing as `0.123 ms (min 0.101, max 0.180, 25 runs)`. */
export function formatTiming(t: Timing, digits = 3): string {
  return `${t.medianMs.toFixed(digits)} ms (min ${t.minMs.toFixed(digits)}, max ${t.maxMs.toFixed(digits)}, ${t.runs} runs)`;
}

let lastSink: unknown;
/** Keeps a result reachable so the optimiser cannot drop the call that made it. */
function keepAlive(value: unknown): void {
  lastSink = value;
  if (lastSink === keepAlive) console.log("");
}

/**
 * The spread behind a median, for printing after it: `median of 50 runs; min 0.395, max 0.508`.
 *
 * @param unit - `"ms"` (default) or `"s"`: the figures are converted and rounded to 3 (ms) or 4 (s) decimals.
 * @example
 * console.log("FP32 inference time (ms):", roundTo(t.medianMs, 3), `(${describeSpread(t)})`);
 */
export function describeSpread(t: Omit<Timing, "samplesMs">, unit: "ms" | "s" = "ms"): string {
  const f = (ms: number): string => (unit === "s" ? (ms / 1000).toFixed(4) : ms.toFixed(3));
  return `median of ${t.runs} runs; min ${f(t.minMs)}, max ${f(t.maxMs)}`;
}
