/**
 * `npm run bench`: training and prediction timed against scikit-learn and NumPy, in the same run.
 *
 *     node dist/bench/bench.js            a table on stdout
 *     node dist/bench/bench.js --json     ONE JSON object on stdout (progress goes to stderr)
 *     node dist/bench/bench.js --quick    few runs (seconds, for the test of the report's shape)
 *
 * Figures, each `{ median_ms, min_ms, max_ms, runs }`, one call per run:
 * - ours: `train.lbfgs` (WebAssembly kernels), `train.lbfgs.js` (JavaScript kernels), `train.gd`,
 *   `predict.fp32`, `predict.int8`, then every case of `bench/int8-cases.ts`;
 * - theirs, when `/usr/bin/python3` (or the Python named by the environment variable `BENCH_PYTHON`) has
 *   scikit-learn: `sklearn.fit`, `sklearn.predict`, `numpy.predict`
 *   (`(Xte @ W.T + b).argmax(1)`, W and b float32, as the original's cells 6–7), timed by a long-lived Python
 *   process (`bench/python_worker.py`) driven over stdin/stdout (so Python's start-up and imports are not
 *   timed), inside Python with `time.perf_counter()`, in rounds that alternate with ours (and alternate who goes
 *   first), so that drift on a shared machine hits both sides alike; and `numpy.<in>x<out>.b<batch>` on the layer
 *   sweep (one BLAS thread);
 * - ONNX Runtime (`bench/ort-cases.ts`): `ort.fp32.*` and `ort.int8.*` on the digits and the layer sweep, one
 *   thread (`.t1`) and two (`.t2`).
 *
 * Beside them, not figures: the notebook's run time and kernel memory against the Python notebook's
 * (`notebook.sections0to10_s`, `notebook.all_s`, `python.original_s`, `kernel.rss_mb`, `python.kernel.rss_mb` and
 * their ratios; bench/notebook-run.ts, skipped in --quick) and the INT8/FP32 time ratio with sections 4 and 7 in
 * either order (`timing_order.*`, bench/timing-order.ts).
 *
 * Plus `ratios` (ours/theirs, of the medians; below 1 means ours is faster), `side_by_side` (per layer and
 * batch: ours, ONNX Runtime's and NumPy's medians, ratios and GMAC/s), `kernels` (the WebAssembly SIMD limit
 * measured here, our int8 kernels' share of it, the digits' costs: `kernelSummary` of bench/int8-cases.ts), `parity` (our lbfgs model against
 * scikit-learn's, from `test/golden/sklearn-digits.json`) and `meta`. Times are never pass/fail.
 *
 * Ours are timed with `lib/timing.ts` (`timeIt`, `warmUp`), as the notebook times them. When Python has
 * scikit-learn but its side fails (setting up, or timing), the bench stops its Python process, prints why and
 * exits with status 1.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { DEFAULT_DIGITS_PATH, loadDigits, scalePixels } from "../lib/core/data";
import { takeLabels, takeRows } from "../lib/core/matrix";
import { accuracy, predictFp32, predictInt8 } from "../lib/core/predict";
import { quantizeModel } from "../lib/core/quantize";
import { summarize, timeIt, warmUp, type TimeItOptions } from "../lib/core/timing";
import { trainLogisticRegression } from "../lib/core/train";
import { onnxRuntimeVersion } from "../lib/studies/onnx-runtime";
import { agreement, differencesFromSklearn, sklearnGolden } from "./golden";
import { FULL_SWEEP, QUICK_SWEEP, formatKernelSummary, int8BenchCases, kernelSummary } from "./int8-cases";
import { sideBySide, timeNumpyLayers, timeOrtDigits, timeOrtLayers, type Medians } from "./ort-cases";
import { NOTEBOOK_RUN_KEYS, formatNotebookRuns, measureNotebookRuns, type NotebookRunFigures } from "./notebook-run";
import { TIMING_ORDER_KEYS, formatTimingOrder, measureTimingOrder, type TimingOrderFigures } from "./timing-order";

/** One figure of the report. */
export interface Figure {
  readonly median_ms: number;
  readonly min_ms: number;
  readonly max_ms: number;
  readonly runs: number;
}

/** The keys of the report that are not figures. */
export const REPORT_SECTIONS = ["ratios", "side_by_side", "kernels", "parity", "meta", ...NOTEBOOK_RUN_KEYS, ...TIMING_ORDER_KEYS] as const;

/** The Python to time scikit-learn with: `BENCH_PYTHON` if set, else Debian's. */
const PYTHON = process.env.BENCH_PYTHON || "/usr/bin/python3";
/** How many runs, by mode: rounds × per-round batch, plus untimed warm-up calls. */
const PLAN = {
  full: { rounds: 8, trainBatch: 5, predictBatch: 25, trainWarmup: 5, predictWarmup: 50, jsRuns: 15, gdRuns: 3, extraRuns: 50 },
  quick: { rounds: 2, trainBatch: 1, predictBatch: 5, trainWarmup: 1, predictWarmup: 5, jsRuns: 2, gdRuns: 1, extraRuns: 2 },
} as const;

/** The Python side (`bench/python_worker.py`, next to this file's source): one JSON request a line, one JSON answer. */
const PYTHON_WORKER = path.join(__dirname, "..", "..", "bench", "python_worker.py");

/** A failure of the benchmark's own making (the Python side), reported by its message alone. */
export class BenchError extends Error {
  override name = "BenchError";
}

/** A Python process running {@link PYTHON_WORKER}, one request at a time (see that file for the requests). */
class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  private readonly exited: Promise<unknown>;
  private spawnError: Error | null = null;

  constructor() {
    this.child = spawn(PYTHON, ["-u", PYTHON_WORKER], { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", resolve);
      this.child.once("error", (err) => {
        this.spawnError = err;
        resolve(err);
      });
    });
    // Writing to a worker that has died fails here too; the reply side reports it (the worker exited).
    this.child.stdin.on("error", () => undefined);
    this.child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`[python] ${chunk.toString()}`));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async request(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const next = await this.lines.next();
    if (next.done) {
      const why = this.spawnError ? `: ${this.spawnError.message}` : "";
      throw new BenchError(`bench: the Python worker (${PYTHON}) exited${why} (request ${String(req.op)})`);
    }
    const reply = JSON.parse(next.value) as Record<string, unknown>;
    if (typeof reply.error === "string") throw new BenchError(`bench: Python (${PYTHON}), request ${String(req.op)}: ${reply.error}`);
    return reply;
  }

  /** Loads the digits and fits scikit-learn's model on the same split; returns the versions of Python and its packages. */
  async setup(trainIdx: readonly number[], testIdx: readonly number[]): Promise<Record<string, unknown>> {
    const reply = await this.request({ op: "setup", csv: DEFAULT_DIGITS_PATH, train_idx: trainIdx, test_idx: testIdx });
    return reply.versions as Record<string, unknown>;
  }

  /** Times `what` (`fit`, `predict`, `numpy` or `layer:<name>`); `threads` limits BLAS's threads for the call. */
  async time(what: string, runs: number, warmup: number, threads?: number): Promise<number[]> {
    const reply = await this.request({ op: "time", what, runs, warmup, threads: threads ?? null });
    return reply.ms as number[];
  }

  /** Asks the worker to quit and closes its stdin (which ends it even when it failed); resolves once it exited. */
  async close(): Promise<void> {
    if (this.spawnError === null && this.child.exitCode === null) await this.request({ op: "quit" }).catch(() => undefined);
    this.child.stdin.end();
    await this.exited;
  }
}

/** Why scikit-learn cannot be timed here, or null when it can. */
function pythonUnavailable(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { encoding: "utf8", timeout: 60_000 });
  if (probe.status !== 0) return `${PYTHON} cannot import scikit-learn: ${(probe.stderr || "").trim().split("\n").pop()}`;
  return null;
}

function figure(samples: number[]): Figure {
  const s = summarize(Float64Array.from(samples));
  const r = (v: number): number => Math.round(v * 1e4) / 1e4;
  return { median_ms: r(s.medianMs), min_ms: r(s.minMs), max_ms: r(s.maxMs), runs: s.runs };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Runs the benchmark and returns the report (figures by name, then `ratios`, `parity`, `meta`). */
export async function runBench(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const plan = options.quick ? PLAN.quick : PLAN.full;
  const quick = Boolean(options.quick);
  const sweep = quick ? QUICK_SWEEP : FULL_SWEEP;
  const started = Date.now();
  const golden = sklearnGolden;
  const digits = loadDigits();
  const X = scalePixels(digits.X);
  const Xtr = takeRows(X, golden.train_idx);
  const ytr = takeLabels(digits.y, golden.train_idx);
  const Xte = takeRows(X, golden.test_idx);
  const yte = takeLabels(digits.y, golden.test_idx);
  const trained = trainLogisticRegression(Xtr, ytr);
  const model = trained.model;
  const qmodel = quantizeModel(model);

  const ours: Record<string, () => unknown> = {
    "train.lbfgs": () => trainLogisticRegression(Xtr, ytr),
    "predict.fp32": () => predictFp32(Xte, model),
    "predict.int8": () => predictInt8(Xte, qmodel),
  };
  const samples: Record<string, number[]> = {};
  const add = (name: string, values: Iterable<number>): void => {
    (samples[name] ??= []).push(...values);
  };
  /** Times `fn` with `timeIt` and adds its samples to the figure `name`. */
  const time = (name: string, fn: () => unknown, timing: TimeItOptions): void => add(name, timeIt(fn, timing).samplesMs);

  const skipPython = pythonUnavailable();
  if (skipPython !== null) log(`bench: no scikit-learn figures: ${skipPython}`);
  let python: PythonWorker | null = null;
  let versions: Record<string, unknown> | null = null;
  try {
    if (skipPython === null) {
      log(`bench: starting Python (scikit-learn, ${PYTHON}) …`);
      python = new PythonWorker();
      versions = await python.setup(golden.train_idx, golden.test_idx);
    }
    // Warm-up, untimed, both sides.
    warmUp(ours["train.lbfgs"], { warmup: plan.trainWarmup });
    warmUp(ours["predict.fp32"], { warmup: plan.predictWarmup });
    warmUp(ours["predict.int8"], { warmup: plan.predictWarmup });
    if (python) {
      await python.time("fit", 0, plan.trainWarmup);
      await python.time("predict", 0, plan.predictWarmup);
      await python.time("numpy", 0, plan.predictWarmup);
    }
    // Interleaved rounds: ours then theirs, theirs then ours, …
    for (let round = 0; round < plan.rounds; round++) {
      log(`bench: round ${round + 1}/${plan.rounds}`);
      const oursFirst = round % 2 === 0;
      const runOurs = (): void => {
        time("train.lbfgs", ours["train.lbfgs"], { warmup: 0, repeat: plan.trainBatch });
        time("predict.fp32", ours["predict.fp32"], { warmup: 0, repeat: plan.predictBatch });
        time("predict.int8", ours["predict.int8"], { warmup: 0, repeat: plan.predictBatch });
      };
      const runTheirs = async (): Promise<void> => {
        if (!python) return;
        add("sklearn.fit", await python.time("fit", plan.trainBatch, 0));
        add("sklearn.predict", await python.time("predict", plan.predictBatch, 0));
        add("numpy.predict", await python.time("numpy", plan.predictBatch, 0));
      };
      if (oursFirst) {
        runOurs();
        await runTheirs();
      } else {
        await runTheirs();
        runOurs();
      }
    }

    log("bench: train.lbfgs.js, train.gd …");
    time("train.lbfgs.js", () => trainLogisticRegression(Xtr, ytr, { kernels: "js" }), { warmup: 1, repeat: plan.jsRuns });
    time("train.gd", () => trainLogisticRegression(Xtr, ytr, { solver: "gd" }), { warmup: options.quick ? 0 : 1, repeat: plan.gdRuns });

    for (const c of int8BenchCases({ model, Xte, quick: options.quick })) {
      log(`bench: ${c.name}`);
      const runs = options.quick ? Math.min(plan.extraRuns, c.runs ?? plan.extraRuns) : c.runs ?? plan.extraRuns;
      time(c.name, c.fn, { warmup: options.quick ? 1 : 3, warmupMs: c.warmupMs ?? 0, repeat: runs });
    }

    // The real runtimes, on the same weights and inputs (bench/ort-cases.ts).
    log("bench: ONNX Runtime, digits");
    await timeOrtDigits(model, Xte, quick, add);
    await timeOrtLayers(sweep, quick, add, log);
    if (python) await timeNumpyLayers(sweep, python, quick, add, log);
  } finally {
    if (python) await python.close();
  }

  const figures: Record<string, Figure> = {};
  for (const [name, values] of Object.entries(samples)) figures[name] = figure(values);
  const ratio = (a: string, b: string): number | null =>
    figures[a] && figures[b] ? Math.round((figures[a].median_ms / figures[b].median_ms) * 1e4) / 1e4 : null;
  const ratios = {
    "train.lbfgs/sklearn.fit": ratio("train.lbfgs", "sklearn.fit"),
    "predict.fp32/sklearn.predict": ratio("predict.fp32", "sklearn.predict"),
    "predict.fp32/numpy.predict": ratio("predict.fp32", "numpy.predict"),
  };

  // Parity of the lbfgs model with scikit-learn's (the golden file).
  const yhat = predictFp32(Xte, model);
  const diff = differencesFromSklearn(model);
  const parity = {
    agree: agreement(yhat),
    of: yhat.length,
    accuracy: accuracy(yhat, yte),
    sklearn_accuracy: golden.acc_fp32,
    max_coef_diff: diff.coef,
    max_intercept_diff: diff.intercept,
    n_iter: Array.from(trained.nIter),
    sklearn_n_iter: golden.n_iter,
  };
  const meta = {
    quick: Boolean(options.quick),
    node: process.version,
    kernels: trained.kernels,
    onnxruntime: onnxRuntimeVersion(),
    python: versions ?? { skipped: skipPython },
    numpy_layer_threads: 1,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  // The notebook's run time and memory against the Python notebook's (bench/notebook-run.ts; not in --quick: it
  // executes each notebook three times), and whether the order of sections 4 and 7 matters (bench/timing-order.ts).
  log("bench: sections 4 and 7 in either order …");
  const order = measureTimingOrder({ rounds: quick ? 1 : 5, log });
  let notebookRun: { figures: NotebookRunFigures | Record<string, null>; why: string[] } = {
    figures: Object.fromEntries(NOTEBOOK_RUN_KEYS.map((k) => [k, null])),
    why: ["not measured in --quick"],
  };
  if (!quick) {
    log("bench: the notebook and the Python notebook, jupyter nbconvert --execute …");
    try {
      notebookRun = measureNotebookRuns({ rounds: 3, log });
    } catch (err) {
      notebookRun = { ...notebookRun, why: [err instanceof Error ? err.message : String(err)] };
    }
  }
  return {
    ...figures,
    ...notebookRun.figures,
    ...order.figures,
    ratios,
    side_by_side: sideBySide(figures as Medians, sweep),
    kernels: kernelSummary(figures),
    parity,
    meta: { ...meta, notebook_run: notebookRun.why, timing_order: order.why, seconds: Math.round((Date.now() - started) / 100) / 10 },
  };
}

/** The report as a table. */
export function formatTable(report: Record<string, unknown>): string {
  const rows: string[] = [];
  const pad = (s: string, n: number): string => s.padEnd(n);
  const num = (v: number): string => v.toFixed(3).padStart(10);
  rows.push(`${pad("figure", 32)}${"median ms".padStart(10)}${"min".padStart(10)}${"max".padStart(10)}${"runs".padStart(6)}`);
  for (const [name, value] of Object.entries(report)) {
    if ((REPORT_SECTIONS as readonly string[]).includes(name)) continue;
    const f = value as Figure;
    rows.push(`${pad(name, 32)}${num(f.median_ms)}${num(f.min_ms)}${num(f.max_ms)}${String(f.runs).padStart(6)}`);
  }
  rows.push("", "ratios (ours / theirs, medians; < 1: ours faster)");
  for (const [name, v] of Object.entries(report.ratios as Record<string, number | null>)) {
    rows.push(`  ${pad(name, 32)}${v === null ? "n/a (no scikit-learn)" : v.toFixed(3)}`);
  }
  const side = report.side_by_side as Record<string, Record<string, number | null>> | undefined;
  if (side !== undefined) {
    const cols: [string, string][] = [
      ["fp32_ms", "fp32"], ["wasm_fp32_ms", "wasm-fp32"], ["ort_fp32_t1_ms", "ort fp32"], ["numpy_ms", "numpy"],
      ["wasm_int8_ms", "wasm int8"], ["ort_int8_t1_ms", "ort int8"], ["ort_int8_t2_ms", "ort int8 ×2"],
      ["wasm_int8/ort_int8_t1", "int8 ours/ort"], ["wasm_fp32/ort_fp32_t1", "fp32 ours/ort"], ["wasm_int8_gmacs", "ours GMAC/s"],
      ["ort_int8_t1_gmacs", "ort GMAC/s"],
    ];
    const cell = (v: number | null | undefined): string => (v === null || v === undefined ? "—" : v < 10 ? v.toFixed(3) : v.toFixed(1)).padStart(14);
    rows.push("", "side by side (medians, ms; ours/ort above 1: ONNX Runtime faster; one thread unless ×2)");
    rows.push(`${pad("case", 20)}${cols.map(([, h]) => h.padStart(14)).join("")}`);
    for (const [name, v] of Object.entries(side)) rows.push(`${pad(name, 20)}${cols.map(([k]) => cell(v[k])).join("")}`);
  }
  if (report.kernels !== undefined) rows.push("", ...formatKernelSummary(report.kernels as Record<string, unknown>));
  const p = report.parity as Record<string, unknown>;
  rows.push(
    "",
    `parity with scikit-learn: ${String(p.agree)}/${String(p.of)} predictions agree; accuracy ${String(p.accuracy)} ` +
      `(scikit-learn ${String(p.sklearn_accuracy)}); largest |Δcoef| ${(p.max_coef_diff as number).toExponential(2)}, ` +
      `|Δintercept| ${(p.max_intercept_diff as number).toExponential(2)}`,
    `iterations per class: ${(p.n_iter as number[]).join(" ")} (scikit-learn: ${(p.sklearn_n_iter as number[]).join(" ")})`,
  );
  if (report["notebook.all_s"] !== undefined) rows.push("", ...formatNotebookRuns(report as unknown as NotebookRunFigures));
  if (report["timing_order.fp32_first"] !== undefined) rows.push("", ...formatTimingOrder(report as unknown as TimingOrderFigures));
  const m = report.meta as Record<string, unknown>;
  rows.push("", `node ${String(m.node)}, kernels ${String(m.kernels)}, python ${JSON.stringify(m.python)}, ${String(m.seconds)} s`);
  return rows.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--json" && a !== "--quick");
  if (unknown.length > 0) {
    log(`usage: node dist/bench/bench.js [--json] [--quick]   (unknown: ${unknown.join(" ")})`);
    process.exitCode = 2;
    return;
  }
  const report = await runBench({ quick: args.includes("--quick") });
  process.stdout.write(args.includes("--json") ? `${JSON.stringify(report)}\n` : `${formatTable(report)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // The Python side's failures are said in one line; anything else is a bug, with its stack.
    log(err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
}
