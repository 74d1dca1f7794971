/**
 * Does the order of sections 4 and 7 change what the notebook prints? Each round starts a fresh Node process
 * (fresh JIT state, as a fresh kernel) that trains the model and times `predictFp32` and `predictInt8` exactly as
 * sections 4 and 7 do (`timeIt`, 0.1 s of warm-up, 100 timed passes), FP32 first in one process, INT8 first in
 * the next. The report gives the INT8/FP32 ratio of the medians for each order (median and quartiles over the
 * rounds): with the warm-up, the two orders agree within their spread.
 *
 *     node dist/bench/timing-order.js [rounds]        the figures, as JSON
 *     node dist/bench/timing-order.js --worker ORDER  one process (ORDER: [short:]fp32-first | [short:]int8-first)
 */
import { spawnSync } from "node:child_process";
import { loadDigits, scalePixels } from "../lib/core/data";
import { predictFp32, predictInt8 } from "../lib/core/predict";
import { quantizeModel } from "../lib/core/quantize";
import { trainTestSplit } from "../lib/core/split";
import { summarize, timeIt, type TimeItOptions } from "../lib/core/timing";
import { trainLogisticRegression } from "../lib/core/train";

/** The timing of sections 4 and 7 of the notebook (a test checks that the notebook's cells say the same). */
export const NOTEBOOK_TIMING: TimeItOptions = { warmupMs: 100, repeat: 100 };
/** The notebook's timing before the fix, for comparison: 5 warm-up calls, 50 timed. */
export const SHORT_WARMUP_TIMING: TimeItOptions = { warmup: 5, repeat: 50 };

export type TimingOrder = "fp32-first" | "int8-first";

/** One process's medians (ms). */
export interface OrderRun {
  readonly fp32_ms: number;
  readonly int8_ms: number;
}

/** The INT8/FP32 ratio for one order, over the rounds. */
export interface OrderFigure {
  readonly ratio_median: number;
  readonly ratio_q1: number;
  readonly ratio_q3: number;
  readonly fp32_ms: number;
  readonly int8_ms: number;
  readonly rounds: number;
}

/** The keys of {@link TimingOrderFigures}, in report order. */
export const TIMING_ORDER_KEYS = [
  "timing_order.fp32_first",
  "timing_order.int8_first",
  "timing_order.ratio_of_ratios",
  "timing_order.short_warmup.fp32_first",
  "timing_order.short_warmup.int8_first",
  "timing_order.short_warmup.ratio_of_ratios",
] as const;

/** The figures this module adds to the report. */
export interface TimingOrderFigures {
  readonly "timing_order.fp32_first": OrderFigure | null;
  readonly "timing_order.int8_first": OrderFigure | null;
  /** `int8_first.ratio_median / fp32_first.ratio_median`: 1 when the order does not matter. */
  readonly "timing_order.ratio_of_ratios": number | null;
  /** The same with {@link SHORT_WARMUP_TIMING}: what the order did before the warm-up was lengthened. */
  readonly "timing_order.short_warmup.fp32_first": OrderFigure | null;
  readonly "timing_order.short_warmup.int8_first": OrderFigure | null;
  readonly "timing_order.short_warmup.ratio_of_ratios": number | null;
}

/** Sections 2–7 in one process: the split, the model, then the two timings in `order`. */
export function runOrder(order: TimingOrder, timing: TimeItOptions = NOTEBOOK_TIMING): OrderRun {
  const digits = loadDigits();
  const X = scalePixels(digits.X);
  const { Xtr, Xte, ytr } = trainTestSplit(X, digits.y, { testSize: 0.25, randomState: 0, stratify: digits.y });
  const model = trainLogisticRegression(Xtr, ytr, { maxIter: 200 }).model;
  const qmodel = quantizeModel(model);
  const fp32 = (): number => timeIt(() => predictFp32(Xte, model), timing).medianMs;
  const int8 = (): number => timeIt(() => predictInt8(Xte, qmodel), timing).medianMs;
  if (order === "fp32-first") {
    const f = fp32();
    return { fp32_ms: f, int8_ms: int8() };
  }
  const i = int8();
  return { fp32_ms: fp32(), int8_ms: i };
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

function summarizeOrder(runs: OrderRun[]): OrderFigure | null {
  if (runs.length === 0) return null;
  const s = summarize(Float64Array.from(runs, (r) => r.int8_ms / r.fp32_ms));
  return {
    ratio_median: r4(s.medianMs),
    ratio_q1: r4(s.q1Ms),
    ratio_q3: r4(s.q3Ms),
    fp32_ms: r4(summarize(Float64Array.from(runs, (r) => r.fp32_ms)).medianMs),
    int8_ms: r4(summarize(Float64Array.from(runs, (r) => r.int8_ms)).medianMs),
    rounds: runs.length,
  };
}

/** `rounds` processes per order, alternating; the figures, and why a round failed if one did. */
export function measureTimingOrder(options: { rounds?: number; log?: (m: string) => void } = {}): { figures: TimingOrderFigures; why: string[] } {
  const rounds = options.rounds ?? 5;
  const why: string[] = [];
  const keys = ["fp32-first", "int8-first", "short:fp32-first", "short:int8-first"] as const;
  const runs: Record<(typeof keys)[number], OrderRun[]> = { "fp32-first": [], "int8-first": [], "short:fp32-first": [], "short:int8-first": [] };
  for (let r = 0; r < rounds; r++) {
    for (const key of r % 2 === 0 ? keys : [...keys].reverse()) {
      const child = spawnSync(process.execPath, [__filename, "--worker", key], { encoding: "utf8", timeout: 120_000 });
      const line = child.stdout.trim().split("\n").pop() ?? "";
      try {
        runs[key].push(JSON.parse(line) as OrderRun);
        options.log?.(`bench: timing order ${key}: ${line}`);
      } catch {
        why.push(`timing order ${key}, round ${r + 1}: ${(child.stderr || String(child.error ?? "no output")).trim().split("\n").slice(-2).join(" / ")}`);
      }
    }
  }
  const [a, b, c, d] = keys.map((k) => summarizeOrder(runs[k]));
  const ratioOfRatios = (x: OrderFigure | null, y: OrderFigure | null): number | null => (x && y ? r4(y.ratio_median / x.ratio_median) : null);
  return {
    figures: {
      "timing_order.fp32_first": a,
      "timing_order.int8_first": b,
      "timing_order.ratio_of_ratios": ratioOfRatios(a, b),
      "timing_order.short_warmup.fp32_first": c,
      "timing_order.short_warmup.int8_first": d,
      "timing_order.short_warmup.ratio_of_ratios": ratioOfRatios(c, d),
    },
    why,
  };
}

/** The figures as table lines. */
export function formatTimingOrder(f: TimingOrderFigures): string[] {
  const line = (name: string, o: OrderFigure | null): string =>
    o === null
      ? `  ${name}: n/a`
      : `  ${name}: INT8/FP32 ${o.ratio_median.toFixed(3)} (middle half ${o.ratio_q1.toFixed(3)}–${o.ratio_q3.toFixed(3)}, ${o.rounds} processes; FP32 ${o.fp32_ms.toFixed(3)} ms, INT8 ${o.int8_ms.toFixed(3)} ms)`;
  return [
    "sections 4 and 7 in either order (fresh process each; 0.1 s warm-up, median of 100 passes)",
    line("FP32 timed first", f["timing_order.fp32_first"]),
    line("INT8 timed first", f["timing_order.int8_first"]),
    `  ratio of the two ratios: ${f["timing_order.ratio_of_ratios"] ?? "n/a"} (1 when the order does not matter)`,
    "  with the former short warm-up (5 calls, then 50 timed):",
    line("  FP32 timed first", f["timing_order.short_warmup.fp32_first"]),
    line("  INT8 timed first", f["timing_order.short_warmup.int8_first"]),
    `    ratio of the two ratios: ${f["timing_order.short_warmup.ratio_of_ratios"] ?? "n/a"}`,
  ];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--worker") {
    const short = (args[1] ?? "").startsWith("short:");
    const order = (args[1] ?? "").replace(/^short:/, "");
    if (order !== "fp32-first" && order !== "int8-first") {
      process.stderr.write(`timing-order: --worker needs [short:]fp32-first or [short:]int8-first, got ${JSON.stringify(args[1])}\n`);
      process.exitCode = 2;
    } else {
      process.stdout.write(`${JSON.stringify(runOrder(order, short ? SHORT_WARMUP_TIMING : NOTEBOOK_TIMING))}\n`);
    }
  } else {
    const { figures, why } = measureTimingOrder({ rounds: Number(args[0] ?? 5), log: (m) => process.stderr.write(`${m}\n`) });
    process.stdout.write(`${formatTimingOrder(figures).join("\n")}\n${why.join("\n")}\n`);
  }
}
