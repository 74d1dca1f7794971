/**
 * The headless run (`npm start`: scripts/run-notebook.ts → scripts/execute-notebook.ts → scripts/execute_notebook.py)
 * under faults, on tiny notebooks: a failing cell, an endless cell, the run killed mid-cell, the kernel killed,
 * Jupyter not on PATH, a bad output folder, two runs at once, and an HTML export that needs nothing of this machine.
 * Each case checks that no process is left behind and no connection file either.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { checkOutputFolder, executeNotebook, type ExecutionResult } from "../../scripts/execute-notebook";
import { ensureJupyter, findJupyter, hasJupyter, SetupError } from "../../scripts/jupyter";
import { parseArgs } from "../../scripts/run-notebook";
import { ROOT } from "../helpers/paths";

const RUN_NOTEBOOK = path.join(ROOT, "dist", "scripts", "run-notebook.js");
const skip = hasJupyter() ? false : "Jupyter is not installed (.ci/run and npm start install it)";

interface Nb {
  cells: Array<{ cell_type: string; source: string; execution_count?: number | null; outputs?: Array<{ output_type: string; name?: string; text?: string | string[] }>; metadata: Record<string, unknown> }>;
}

/** A fresh folder with `name`.ipynb made of these cells (`# …` is a markdown cell), a tmp/ and an out/ folder. */
function notebook(name: string, cells: readonly string[]): { dir: string; nb: string; out: string; tmp: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `run-nb-${name}-`));
  const nb = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(nb, JSON.stringify({
    cells: cells.map((source, i) =>
      source.startsWith("#")
        ? { cell_type: "markdown", id: `m${i}`, metadata: {}, source }
        : { cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  }));
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  return { dir, nb, out: path.join(dir, "out"), tmp };
}

const read = (p: string): Nb => JSON.parse(fs.readFileSync(p, "utf8")) as Nb;
const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");
const stdout = (cell: Nb["cells"][number]): string =>
  (cell.outputs ?? []).filter((o) => o.name === "stdout").map((o) => text(o.text)).join("");

/** Processes whose working folder or command line is inside `dir` (the kernel runs in the notebook's folder). */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + path.sep) || cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Waits until nothing runs in `dir` (the cleanup after a kill takes a moment), then checks tmp/ is empty. */
async function assertNothingLeft(where: { dir: string; tmp: string }, waitMs = 15_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  let left = processesIn(where.dir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesIn(where.dir);
  }
  assert.deepEqual(left, [], "processes left running");
  // The run's private folder (connection file, kernel pid, result) lived in TMPDIR: nothing may be left there.
  while (fs.readdirSync(where.tmp).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(fs.readdirSync(where.tmp), [], "files left in the temporary folder");
}

/** executeNotebook with TMPDIR pointing at the test's own folder, so what a run leaves there can be seen. */
function execute(where: { nb: string; out: string; tmp: string }, timeoutSeconds?: number, kernelName?: string): ExecutionResult {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = where.tmp;
  try {
    return executeNotebook(where.nb, where.out, { timeoutSeconds, kernelName });
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** `node dist/scripts/run-notebook.js` as `npm start` runs it; resolves when `ready` shows on stderr. */
function startRun(where: { nb: string; out: string; tmp: string }, ready: RegExp, extra: string[] = []) {
  const child = spawn(process.execPath, [RUN_NOTEBOOK, where.nb, "--out", where.out, ...extra], {
    env: { ...process.env, TMPDIR: where.tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, out })),
  );
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${ready} within 60 s:\n${out}`)), 60_000);
    const look = (): void => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr.on("data", look);
    child.stdout.on("data", look);
    void exited.then(() => {
      clearTimeout(timer);
      if (!ready.test(out)) reject(new Error(`the run ended before ${ready}:\n${out}`));
    });
  });
  return { child, started, exited };
}

test("a cell that throws stops the run there; the cells after it are marked not run, not given a count", { skip }, async () => {
  const w = notebook("throws", ["## 1. Fine", 'console.log("ok")', "## 2. Broken", 'throw new Error("boom")', 'console.log("after")', "1 + 1"]);
  const r = execute(w);
  assert.equal(r.failures.length, 1);
  const [f] = r.failures;
  assert.deepEqual({ ...f, error: "" }, { index: 3, kind: "error", section: "## 2. Broken", firstLine: 'throw new Error("boom")', error: "" });
  assert.match(f.error, /^evalmachine\.<anonymous>:2\nthrow new Error\("boom"\);\n\^\n\nError: boom/);
  assert.doesNotMatch(f.error, /node_modules\/tslab|node:vm/, "the kernel's own stack frames are left out");
  assert.deepEqual(r.notRun, [4, 5]);
  assert.equal(r.ran, 2);
  const nb = read(r.executedPath);
  assert.deepEqual(nb.cells.map((c) => c.execution_count ?? null), [null, 1, null, 2, null, null]);
  assert.equal(stdout(nb.cells[1]), "ok\n");
  for (const i of [4, 5]) {
    assert.deepEqual(nb.cells[i].outputs, []);
    assert.deepEqual(nb.cells[i].metadata.headless_run, { status: "not run", reason: "cell 3 failed" });
  }
  await assertNothingLeft(w);
});

test("an endless cell: the time limit names it, what ran is written, the kernel is stopped", { skip }, async () => {
  const w = notebook("endless", ["## Loop", 'console.log("before")', "while (true) {}", 'console.log("after")']);
  const t0 = Date.now();
  const r = execute(w, 3);
  assert.ok(Date.now() - t0 < 60_000);
  assert.deepEqual(r.failures.map((f) => [f.index, f.kind, f.section, f.firstLine]), [[2, "timeout", "## Loop", "while (true) {}"]]);
  assert.equal(r.failures[0].error, "still running after 3 s (the time limit of a cell); the kernel was stopped");
  assert.equal(r.kernelStopped, true);
  assert.deepEqual(r.notRun, [3]);
  const nb = read(r.executedPath);
  assert.equal(stdout(nb.cells[1]), "before\n");
  assert.deepEqual(nb.cells.map((c) => c.execution_count ?? null), [null, 1, 2, null]);
  assert.ok(fs.existsSync(r.htmlPath));
  await assertNothingLeft(w, 5000);
});

test("the run stopped mid-cell (SIGTERM to npm start): the cell is named, what ran written, nothing left", { skip }, async () => {
  const w = notebook("sigterm", ['console.log("first")', "while (true) {}", 'console.log("never")']);
  const run = startRun(w, /\[2\/3\] cell 1/);
  await run.started;
  await new Promise((r) => setTimeout(r, 1500)); // well inside the endless cell
  run.child.kill("SIGTERM");
  const { code, out } = await run.exited;
  assert.equal(code, 143, out);
  assert.match(out, /Cell 1 was interrupted \(\(top of the notebook\); "while \(true\) \{\}"\): the run was stopped by SIGTERM while this cell ran/);
  assert.match(out, /Not run, after it: cells 2\./);
  const nb = read(path.join(w.out, "sigterm.executed.ipynb"));
  assert.equal(stdout(nb.cells[0]), "first\n");
  assert.deepEqual(nb.cells.map((c) => c.execution_count ?? null), [1, 2, null]);
  await assertNothingLeft(w, 5000);
});

test("npm start killed outright (SIGKILL) mid-cell: the kernel still goes, and its connection file", { skip }, async () => {
  const w = notebook("sigkill", ['console.log("first")', "while (true) {}"]);
  const run = startRun(w, /\[2\/2\] cell 1/);
  await run.started;
  await new Promise((r) => setTimeout(r, 1000));
  run.child.kill("SIGKILL");
  const { signal } = await run.exited;
  assert.equal(signal, "SIGKILL");
  await assertNothingLeft(w);
  // What ran is written even so.
  const nb = read(path.join(w.out, "sigkill.executed.ipynb"));
  assert.equal(stdout(nb.cells[0]), "first\n");
});

test("the Python half killed outright mid-cell: npm start stops the kernel it left, and says what happened", { skip }, async () => {
  const w = notebook("pykill", ['console.log("first")', "while (true) {}"]);
  const run = startRun(w, /\[2\/2\] cell 1/);
  await run.started;
  const driver = processesIn(w.dir).filter((p) => p.includes("execute_notebook.py"));
  assert.equal(driver.length, 1, driver.join("\n"));
  process.kill(Number(driver[0].split(":")[0]), "SIGKILL");
  const { code, out } = await run.exited;
  assert.equal(code, 1, out);
  assert.match(out, /execute_notebook\.py was killed by SIGKILL before writing its result/);
  await assertNothingLeft(w, 5000);
});

test("npm start and its Python half killed together (SIGKILL to the group) mid-cell: the kernel ends by itself", { skip }, async () => {
  const w = notebook("groupkill", ['console.log("first")', "while (true) {}"]);
  const child = spawn(process.execPath, [RUN_NOTEBOOK, w.nb, "--out", w.out], {
    env: { ...process.env, TMPDIR: w.tmp },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, which the kernel (a session of its own) is not in
  });
  let out = "";
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  child.stdout.resume();
  const deadline = Date.now() + 60_000;
  while (!/\[2\/2\] cell 1/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, /\[2\/2\] cell 1/);
  await new Promise((r) => setTimeout(r, 1000));
  process.kill(-(child.pid as number), "SIGKILL");
  const until = Date.now() + 10_000;
  let left = processesIn(w.dir);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesIn(w.dir);
  }
  // Whatever happens, leave nothing running, nor a pipe that keeps this test file alive.
  for (const p of left) process.kill(Number(p.split(":")[0]), "SIGKILL");
  child.stderr.destroy();
  child.stdout.destroy();
  assert.deepEqual(left, [], "the kernel outlived its Jupyter client");
  const files = fs.readdirSync(w.tmp, { recursive: true }).map(String);
  assert.deepEqual(files.filter((f) => /kernel-.*\.json$/.test(f)), [], "the connection file is removed");
});

test("the kernel killed mid-run: the cell is named, what ran is written", { skip }, async () => {
  const w = notebook("dead", ['console.log("alive")', '"dying"; process.kill(process.pid, "SIGKILL");', 'console.log("never")']);
  const r = execute(w);
  assert.deepEqual(r.failures.map((f) => [f.index, f.kind, f.firstLine]), [[1, "dead-kernel", '"dying"; process.kill(process.pid, "SIGKILL");']]);
  assert.match(r.failures[0].error, /^the kernel died while running this cell/);
  assert.deepEqual(r.notRun, [2]);
  assert.equal(stdout(read(r.executedPath).cells[0]), "alive\n");
  await assertNothingLeft(w, 5000);
});

test("Jupyter installed but not on PATH (root, Debian): found at /usr/bin, not installed again", { skip: skip || (!fs.existsSync("/usr/bin/jupyter") && "no /usr/bin/jupyter here") }, async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-path-"));
  assert.deepEqual(ensureJupyter({ install: false, path: empty }), { jupyter: ["/usr/bin/jupyter"], python: ["/usr/bin/python3"] });
  // Even a pyenv python3 first on PATH does not hide Debian's: the #! line of `jupyter` names the Python.
  assert.deepEqual(findJupyter({ path: `${empty}${path.delimiter}/usr/bin` }).found?.python, ["/usr/bin/python3"]);
  // The whole run, with a PATH that has no Jupyter (and no apt-get): it runs.
  const w = notebook("nopath", ['console.log("ran")']);
  const saved = process.env.PATH;
  process.env.PATH = empty;
  try {
    const r = execute(w);
    assert.deepEqual(r.failures, []);
    assert.equal(stdout(read(r.executedPath).cells[0]), "ran\n");
  } finally {
    process.env.PATH = saved;
  }
  await assertNothingLeft(w, 5000);
});

test("a Jupyter that cannot run notebooks is named, with why", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-jupyter-"));
  const python = path.join(dir, "python3");
  fs.writeFileSync(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'nbclient'\" >&2\nexit 1\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "jupyter"), `#!${python}\n`, { mode: 0o755 });
  const nowhere = { path: dir, fallbacks: [], pythonFallbacks: [] };
  assert.deepEqual(findJupyter(nowhere), {
    problems: [`${dir}/jupyter runs ${python}, which cannot import nbclient, nbconvert, nbformat, jupyter_client: ModuleNotFoundError: No module named 'nbclient'`],
  });
  assert.throws(() => ensureJupyter({ install: false, ...nowhere }), (err: Error) => {
    assert.ok(err instanceof SetupError);
    assert.match(err.message, /^Jupyter is here but cannot run notebooks:\n {2}.*\/jupyter runs .*No module named 'nbclient'\nJupyter \(nbconvert, nbclient, Notebook\) is needed/);
    return true;
  });
});

test("out/ a file, inside a file, or read-only: one line, before anything runs", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-out-"));
  const file = path.join(dir, "out");
  fs.writeFileSync(file, "not a folder");
  const nb = notebook("unused", ['console.log("x")']).nb;
  const t0 = Date.now();
  const oneLine = (message: RegExp) => (err: Error): boolean => {
    assert.ok(err instanceof SetupError, String(err));
    assert.match(err.message, message);
    assert.equal(err.message.split("\n").length, 1);
    return true;
  };
  assert.throws(() => executeNotebook(nb, file), oneLine(/^The output folder .*out is a file, not a folder: move it away or delete it, then run again\.$/));
  assert.throws(() => executeNotebook(nb, path.join(file, "sub")), oneLine(/^The output folder .*out\/sub is inside a file, not a folder/));
  assert.ok(Date.now() - t0 < 2000, "checked before Jupyter starts");
  assert.equal(fs.readFileSync(file, "utf8"), "not a folder");
  // Read-only: as another user when we are root (root writes anywhere), else with the permission bits.
  const ro = path.join(dir, "ro");
  fs.mkdirSync(ro, { mode: 0o555 });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(ro, 0o555);
  const script = `try { require(${JSON.stringify(path.join(ROOT, "dist", "scripts", "execute-notebook.js"))}).checkOutputFolder(${JSON.stringify(ro)}); console.log("writable"); } catch (e) { console.log(e.message); }`;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", ...asUser, cwd: "/" });
  assert.equal(r.stdout.trim(), `The output folder ${ro} cannot be written (permission denied): make it writable, or run from a copy of the project you can write to.`, r.stderr);
  assert.deepEqual(fs.readdirSync(ro), []);
  checkOutputFolder(path.join(dir, "new", "deeper"));
  assert.ok(fs.statSync(path.join(dir, "new", "deeper")).isDirectory());
});

test("two runs at once in one checkout: both finish, no temporary file left, each output whole", { skip }, async () => {
  const w = notebook("twice", ['console.log("same")']);
  const a = startRun(w, /Starting/);
  const b = startRun(w, /Starting/);
  const [ra, rb] = await Promise.all([a.exited, b.exited]);
  assert.equal(ra.code, 0, ra.out);
  assert.equal(rb.code, 0, rb.out);
  assert.deepEqual(fs.readdirSync(w.out).sort(), ["twice.executed.ipynb", "twice.html"]);
  assert.equal(stdout(read(path.join(w.out, "twice.executed.ipynb")).cells[0]), "same\n");
  assert.match(fs.readFileSync(path.join(w.out, "twice.html"), "utf8"), /<\/html>\s*$/);
  await assertNothingLeft(w, 5000);
});

test("the HTML export needs nothing of this machine: RequireJS inlined, MathJax only for math, from its CDN", { skip }, async () => {
  const w = notebook("offline", ["# Plain text, no math: costs 5 dollars", 'console.log("x")']);
  const html = fs.readFileSync(execute(w).htmlPath, "utf8");
  assert.doesNotMatch(html, /file:\/\//);
  assert.doesNotMatch(html, /\/usr\/share\/javascript/);
  assert.doesNotMatch(html, /MathJax\.js|mathjax/i, "no math, no MathJax");
  assert.doesNotMatch(html, /<script[^>]+src=/, "no script is fetched from anywhere");
  // The inlined script is RequireJS: run it, and `requirejs` and `define.amd` exist.
  const scripts = [...html.matchAll(/<script>\n([\s\S]*?)\n<\/script>/g)].map((m) => m[1]);
  const context: Record<string, unknown> = {};
  vm.createContext(context);
  vm.runInContext(scripts.find((s) => s.includes("requirejs")) ?? "", context);
  assert.equal(typeof context.requirejs, "function");
  assert.equal(typeof (context.define as { amd?: unknown }).amd, "object");

  const m = notebook("math", ["# Math: $x^2$ and $$\\sum_i w_i$$", 'console.log("y")']);
  const mathHtml = fs.readFileSync(execute(m).htmlPath, "utf8");
  assert.doesNotMatch(mathHtml, /file:\/\//);
  const sources = [...mathHtml.matchAll(/<script[^>]+src="([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(sources, ["https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"]);
  await assertNothingLeft(w, 5000);
  await assertNothingLeft(m, 5000);
});

test("a kernel that does not start: said, and every cell marked not run", { skip }, async () => {
  const w = notebook("nokernel", ['console.log("a")', 'console.log("b")']);
  const r = execute(w, undefined, "no-such-kernel-h-run");
  assert.deepEqual(r.failures.map((f) => [f.index, f.kind]), [[-1, "kernel-start"]]);
  assert.match(r.failures[0].error, /^the no-such-kernel-h-run kernel did not start: .*no-such-kernel-h-run/);
  assert.deepEqual(r.notRun, [0, 1]);
  assert.deepEqual(read(r.executedPath).cells.map((c) => c.execution_count ?? null), [null, null]);
  await assertNothingLeft(w, 5000);
});

test("a file that is not a notebook: one line naming it, no traceback", { skip }, () => {
  const w = notebook("broken", []);
  fs.writeFileSync(w.nb, "{ not json");
  assert.throws(() => execute(w), (err: Error) => {
    assert.ok(err instanceof SetupError);
    assert.match(err.message, new RegExp(`^Cannot read the notebook ${w.nb.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\w+Error: .+\\.$`));
    assert.equal(err.message.split("\n").length, 1);
    return true;
  });
  assert.deepEqual(fs.readdirSync(w.tmp), []);
});

test("run-notebook's command line: notebook, --out, --timeout; anything else is refused with the usage", () => {
  const d = parseArgs([]);
  assert.equal(d.notebook, path.join(ROOT, "notebooks", "quantization.ipynb"));
  assert.equal(d.outDir, path.join(ROOT, "out"));
  assert.equal(d.timeoutSeconds, 600);
  assert.deepEqual(parseArgs(["a.ipynb", "--out", "/tmp/o", "--timeout=5"]), { notebook: path.resolve("a.ipynb"), outDir: "/tmp/o", timeoutSeconds: 5 });
  assert.throws(() => parseArgs(["--timeout", "0"]), /--timeout must be a positive number of seconds, got "0"/);
  assert.throws(() => parseArgs(["--bogus"]), { name: "SetupError", message: /^Unknown option --bogus\.\nusage: / });
  assert.throws(() => parseArgs(["a.ipynb", "b.ipynb"]), /One notebook at a time/);
  assert.throws(() => parseArgs(["--out"]), /--out needs a value/);
});
