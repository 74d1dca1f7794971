/**
 * `npm start`: executes notebooks/quantization.ipynb headless on the tslab kernel and writes the executed notebook
 * and its HTML export (which works offline, on any machine) to out/.
 *
 *     node dist/scripts/run-notebook.js [notebook.ipynb] [--out DIR] [--timeout SECONDS]
 *
 * Exits 0 when every cell ran; 1 naming the cell when one failed, timed out or lost its kernel (what ran is
 * written, the cells after it marked as not run); 2 with one line saying what to fix (output folder, Jupyter);
 * 128 + n when stopped by signal n (Ctrl-C: the kernel is stopped, what ran is written).
 */
import * as path from "node:path";
import { describeFailure, runNotebook } from "./execute-notebook";
import { OUT_DIR, PROJECT_ROOT, SetupError } from "./jupyter";

const USAGE = "usage: node dist/scripts/run-notebook.js [notebook.ipynb] [--out DIR] [--timeout SECONDS]";

/** The command line: a notebook (default the lesson), `--out DIR` (default out/), `--timeout SECONDS` per cell. */
export function parseArgs(argv: readonly string[]): { notebook: string; outDir: string; timeoutSeconds: number } {
  let notebook = path.join(PROJECT_ROOT, "notebooks", "quantization.ipynb");
  let outDir = OUT_DIR;
  let timeoutSeconds = 600;
  let positional = 0;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new SetupError(`${flag} needs a value.\n${USAGE}`);
      return v;
    };
    if (flag === "--out") outDir = path.resolve(value());
    else if (flag === "--timeout") {
      const v = value();
      timeoutSeconds = Number(v);
      if (!(timeoutSeconds > 0) || !Number.isFinite(timeoutSeconds)) throw new SetupError(`--timeout must be a positive number of seconds, got ${JSON.stringify(v)}.\n${USAGE}`);
    } else if (flag.startsWith("-")) throw new SetupError(`Unknown option ${flag}.\n${USAGE}`);
    else if (positional++ === 0) notebook = path.resolve(flag);
    else throw new SetupError(`One notebook at a time; got ${JSON.stringify(flag)} too.\n${USAGE}`);
  }
  return { notebook, outDir, timeoutSeconds };
}

async function main(): Promise<number> {
  const { notebook, outDir, timeoutSeconds } = parseArgs(process.argv.slice(2));
  console.log(`Executing ${path.relative(process.cwd(), notebook) || notebook} on the tslab kernel …`);
  const result = await runNotebook(notebook, outDir, { timeoutSeconds, progress: true });
  const ok = result.failures.length === 0;
  console.log(`${ok ? "Executed" : "Stopped"} after ${result.seconds.toFixed(1)} s (${result.ran} code cells ran${result.notRun.length > 0 ? `, ${result.notRun.length} not run` : ""})`);
  console.log(`  executed notebook: ${result.executedPath}`);
  console.log(`  HTML export:       ${result.htmlPath}`);
  for (const f of result.failures) console.error(describeFailure(f));
  if (result.failures.some((f) => f.kind === "timeout")) console.error(`A cell may run ${timeoutSeconds} s; to allow more: npm start -- --timeout ${2 * timeoutSeconds}`);
  if (result.notRun.length > 0) console.error(`Not run, after it: cells ${result.notRun.join(", ")}.`);
  if (!result.kernelStopped) console.error("The kernel could not be stopped; see `ps` for a tslab-kernel process.");
  if (result.signal !== undefined) return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[result.signal];
  return ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof SetupError ? err.message : err);
      process.exitCode = err instanceof SetupError ? 2 : 1;
    },
  );
}
