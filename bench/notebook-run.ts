/**
 * Run time and memory of the notebook against the Python notebook it rebuilds, measured the same way in one
 * bench run: `jupyter nbconvert --to notebook --execute` (kernel start, every cell, kernel shutdown; wall clock),
 * alternating the three notebooks round after round so drift hits each alike:
 *
 * - `python.original_s`: the Python notebook (`../shared/reference/original.ipynb`, or the copy in
 *   `test/reference/`) on Debian's `python3` kernel (it needs python3-sklearn, python3-matplotlib,
 *   python3-ipykernel);
 * - `notebook.sections0to10_s`: ours, its first 22 cells (sections 0–10, the same cells as the Python one);
 * - `notebook.all_s`: ours, every cell;
 * - `kernel.rss_mb`, `python.kernel.rss_mb`: the kernel's resident memory after Run All, read by a last cell
 *   appended to each copy (`/proc/self/status`, VmRSS; the kernel process runs the cells itself).
 *
 * Each figure is the median over the rounds. Copies are written to `out/bench/` (the tslab kernel resolves the
 * project's packages from any folder).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureJupyter, jupyterEnv, registerKernel, PROJECT_ROOT, OUT_DIR } from "../scripts/jupyter";

/** The figures this module adds to the report (seconds and MB; `null` when not measured, with `why` in `meta`). */
export interface NotebookRunFigures {
  readonly "notebook.sections0to10_s": number | null;
  readonly "notebook.all_s": number | null;
  readonly "python.original_s": number | null;
  readonly "kernel.rss_mb": number | null;
  readonly "python.kernel.rss_mb": number | null;
  /** The ratios the goals are stated in: sections 0–10 ≤ 1.2, all ≤ 2, memory ≤ 1.6. */
  readonly "notebook.sections0to10/python.original": number | null;
  readonly "notebook.all/python.original": number | null;
  readonly "kernel.rss/python.kernel.rss": number | null;
}

/** The keys of {@link NotebookRunFigures}, in report order. */
export const NOTEBOOK_RUN_KEYS = [
  "notebook.sections0to10_s",
  "notebook.all_s",
  "python.original_s",
  "kernel.rss_mb",
  "python.kernel.rss_mb",
  "notebook.sections0to10/python.original",
  "notebook.all/python.original",
  "kernel.rss/python.kernel.rss",
] as const;

const OURS = path.join(PROJECT_ROOT, "notebooks", "quantization.ipynb");
const PYTHON_ORIGINAL = [
  path.join(PROJECT_ROOT, "..", "shared", "reference", "original.ipynb"),
  path.join(PROJECT_ROOT, "test", "reference", "original.ipynb"),
];
/** Cells of sections 0–10: the Python notebook's 22, which ours matches cell for cell. */
const LESSON_CELLS = 22;
const RSS_MARK = "KERNEL_RSS_KB";

interface NotebookJson {
  cells: Array<Record<string, unknown>>;
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

/** A copy of `nb` with its first `cells` cells (all when undefined) and a last cell printing the kernel's RSS. */
export function withRssCell(nb: NotebookJson, language: "typescript" | "python", cells?: number): NotebookJson {
  const source =
    language === "python"
      ? `print("${RSS_MARK}", [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmRSS:")][0])`
      : `console.log("${RSS_MARK}", require("fs").readFileSync("/proc/self/status", "utf8").match(/^VmRSS:\\s+(\\d+)/m)[1]);`;
  const kept = nb.cells.slice(0, cells ?? nb.cells.length).map((c) => ({ ...c }));
  kept.push({ cell_type: "code", id: "bench-rss", metadata: {}, execution_count: null, outputs: [], source: [source] });
  return { ...nb, cells: kept };
}

/** The RSS (KB) the appended cell printed in an executed notebook, or null. */
export function printedRssKb(executed: NotebookJson): number | null {
  for (const c of executed.cells) {
    for (const o of (c.outputs as Array<{ text?: string | string[] }> | undefined) ?? []) {
      const t = Array.isArray(o.text) ? o.text.join("") : o.text ?? "";
      const m = new RegExp(`${RSS_MARK}\\s+(\\d+)`).exec(t);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const round = (v: number | null, digits: number): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** Why the Python notebook cannot run here (or null when it can): its kernel needs scikit-learn and matplotlib. */
function pythonOriginalUnavailable(): string | null {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import sklearn, matplotlib, ipykernel"], { encoding: "utf8", timeout: 60_000 });
  if (probe.status !== 0) return `/usr/bin/python3 cannot import sklearn, matplotlib, ipykernel (apt-get install python3-sklearn python3-matplotlib python3-ipykernel)`;
  return PYTHON_ORIGINAL.some((p) => fs.existsSync(p)) ? null : `the Python notebook is not at ${PYTHON_ORIGINAL.join(" or ")}`;
}

/**
 * Executes the three notebooks `rounds` times each, alternating, and returns the medians (and why a figure is
 * missing, if one is).
 */
export function measureNotebookRuns(options: { rounds?: number; log?: (m: string) => void } = {}): { figures: NotebookRunFigures; why: string[] } {
  const rounds = options.rounds ?? 3;
  const log = options.log ?? ((): void => undefined);
  const why: string[] = [];
  const jupyter = ensureJupyter({ install: false });
  registerKernel(PROJECT_ROOT);
  const env = jupyterEnv(PROJECT_ROOT);
  const dir = path.join(OUT_DIR, "bench");
  fs.mkdirSync(dir, { recursive: true });

  const ours = JSON.parse(fs.readFileSync(OURS, "utf8")) as NotebookJson;
  const jobs: Array<{ key: "lesson" | "all" | "python"; file: string; kernel: string }> = [];
  const write = (name: string, nb: NotebookJson): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(nb, null, 1));
    return file;
  };
  jobs.push({ key: "lesson", file: write("ours-sections0to10.ipynb", withRssCell(ours, "typescript", LESSON_CELLS)), kernel: "tslab" });
  jobs.push({ key: "all", file: write("ours-all.ipynb", withRssCell(ours, "typescript")), kernel: "tslab" });
  const noPython = pythonOriginalUnavailable();
  if (noPython === null) {
    const original = JSON.parse(fs.readFileSync(PYTHON_ORIGINAL.find((p) => fs.existsSync(p)) as string, "utf8")) as NotebookJson;
    jobs.push({ key: "python", file: write("python-original.ipynb", withRssCell(original, "python")), kernel: "python3" });
  } else {
    why.push(noPython);
  }

  const seconds: Record<string, number[]> = { lesson: [], all: [], python: [] };
  const rss: Record<string, number[]> = { all: [], python: [] };
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first each round.
    const order = jobs.map((_, i) => jobs[(i + r) % jobs.length]);
    for (const job of order) {
      const out = job.file.replace(/\.ipynb$/, ".executed.ipynb");
      const t0 = process.hrtime.bigint();
      const run = spawnSync(
        jupyter.jupyter[0],
        [...jupyter.jupyter.slice(1), "nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${job.kernel}`,
          "--ExecutePreprocessor.timeout=600", "--output", path.basename(out), job.file],
        { cwd: dir, env, encoding: "utf8", timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (run.status !== 0) {
        why.push(`${path.basename(job.file)} failed (round ${r + 1}): ${(run.stderr || String(run.error ?? "")).trim().split("\n").slice(-3).join(" / ")}`);
        continue;
      }
      seconds[job.key].push(s);
      const kb = printedRssKb(JSON.parse(fs.readFileSync(out, "utf8")) as NotebookJson);
      if (kb !== null && job.key !== "lesson") rss[job.key].push(kb / 1024);
      log(`bench: ${path.basename(job.file)} ${s.toFixed(1)} s${kb !== null ? `, kernel ${(kb / 1024).toFixed(0)} MB` : ""}`);
    }
  }
  const lesson = median(seconds.lesson);
  const all = median(seconds.all);
  const python = median(seconds.python);
  const kernel = median(rss.all);
  const pythonKernel = median(rss.python);
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round(a / b, 2));
  return {
    figures: {
      "notebook.sections0to10_s": round(lesson, 2),
      "notebook.all_s": round(all, 2),
      "python.original_s": round(python, 2),
      "kernel.rss_mb": round(kernel, 1),
      "python.kernel.rss_mb": round(pythonKernel, 1),
      "notebook.sections0to10/python.original": ratio(lesson, python),
      "notebook.all/python.original": ratio(all, python),
      "kernel.rss/python.kernel.rss": ratio(kernel, pythonKernel),
    },
    why,
  };
}

/** The figures as table lines, with the goals beside the ratios. */
export function formatNotebookRuns(f: NotebookRunFigures): string[] {
  const v = (x: number | null, unit: string): string => (x === null ? "n/a" : `${x} ${unit}`);
  return [
    "notebook run (jupyter nbconvert --execute, medians) and kernel memory after Run All",
    `  sections 0–10 ${v(f["notebook.sections0to10_s"], "s")}, all ${v(f["notebook.all_s"], "s")}, the Python notebook ${v(f["python.original_s"], "s")}`,
    `  ratios: sections 0–10 ${v(f["notebook.sections0to10/python.original"], "×")} (goal ≤ 1.2), all ${v(f["notebook.all/python.original"], "×")} (goal ≤ 2)`,
    `  kernel RSS ${v(f["kernel.rss_mb"], "MB")}, Python's ${v(f["python.kernel.rss_mb"], "MB")}: ${v(f["kernel.rss/python.kernel.rss"], "×")} (goal ≤ 1.6)`,
  ];
}

if (require.main === module) {
  const { figures, why } = measureNotebookRuns({ rounds: Number(process.argv[2] ?? 1), log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`${formatNotebookRuns(figures).join("\n")}\n${why.map((w) => `  ${w}`).join("\n")}\n`);
}
