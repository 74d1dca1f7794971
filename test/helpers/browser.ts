/**
 * What the browser tests share: Debian's headless Chromium through playwright-core (never a downloaded
 * browser), a log of what a page reported, a request filter, and Jupyter servers started for one test on
 * 127.0.0.1 with a token and throw-away Jupyter folders, stopped with every kernel they started.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { jupyterEnv, registerKernel } from "../../scripts/jupyter";
import { ROOT } from "./paths";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const OUT = path.join(ROOT, "out");
export const SCREENSHOTS = path.join(OUT, "screenshots");
/** Debian's Jupyter; the first `python3` on PATH may be another one (pyenv), without it. */
export const JUPYTER = fs.existsSync("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";
export const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function needChromium(): void {
  assert.ok(
    fs.existsSync(CHROMIUM),
    `${CHROMIUM} not found. The browser checks use Debian's Chromium (never a downloaded one): ` +
      "sudo apt-get update && sudo apt-get install -y chromium",
  );
}

export async function launch(): Promise<Browser> {
  needChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Console errors and uncaught exceptions of a page, and the requests it was refused. */
export class PageLog {
  readonly errors: string[] = [];
  readonly blocked: string[] = [];
  constructor(page: Page) {
    page.on("pageerror", (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") this.errors.push(`console.error: ${m.text()} (${m.location().url})`);
    });
  }
  /** Errors other than the "Failed to load resource" of requests in `expectedBlocked`. */
  unexpectedErrors(expectedBlocked: (url: string) => boolean = () => false): string[] {
    return this.errors.filter((e) => {
      const m = /^console\.error: Failed to load resource: net::ERR_FAILED \((.*)\)$/.exec(e);
      return !(m && this.blocked.includes(m[1]) && expectedBlocked(m[1]));
    });
  }
}

/** Lets through only the requests `allow` accepts; records and aborts every other one. */
export async function allowOnly(page: Page, log: PageLog, allow: (url: string) => boolean): Promise<void> {
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (allow(url)) return route.continue();
    log.blocked.push(url);
    return route.abort();
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Where a server started by {@link JupyterServer.start} looks for the project's kernel and keeps its state. */
export interface ServerFolders {
  /** Throw-away JUPYTER_CONFIG_DIR, JUPYTER_DATA_DIR (the notebook trust database), JUPYTER_RUNTIME_DIR. */
  readonly tmp: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A Jupyter server (classic Notebook, or jupyter_server with JupyterLab) started for one test on 127.0.0.1, on its
 * own port and token, with the project's kernel registered (JUPYTER_PATH, as `npm start` does) and throw-away config,
 * data and runtime folders, so nothing outside the project and /tmp is touched.
 */
export class JupyterServer {
  private output = "";
  private exited = false;
  private constructor(
    private readonly proc: ChildProcess,
    readonly base: string,
    readonly token: string,
    readonly folders: ServerFolders,
  ) {
    proc.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    proc.on("exit", () => (this.exited = true));
  }

  /**
   * Starts `command` with `args(port, token, folders)` and waits (≤ 60 s) until `/api/status` answers.
   *
   * @example
   * const server = await JupyterServer.start(JUPYTER, (port, token) => ["notebook", `--port=${port}`, `--NotebookApp.token=${token}`, …]);
   */
  static async start(command: string, args: (port: number, token: string, folders: ServerFolders) => string[], name: string): Promise<JupyterServer> {
    registerKernel(ROOT);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    const env: NodeJS.ProcessEnv = {
      ...jupyterEnv(ROOT),
      JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
      JUPYTER_DATA_DIR: path.join(tmp, "data"),
      JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    };
    const folders: ServerFolders = { tmp, env };
    const port = await freePort();
    const token = crypto.randomBytes(24).toString("hex");
    const proc = spawn(command, args(port, token, folders), { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const server = new JupyterServer(proc, `http://127.0.0.1:${port}`, token, folders);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exited) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`${name} exited at start:\n${server.log()}`);
      }
      try {
        const r = await fetch(`${server.base}/api/status`, { headers: server.auth(), signal: AbortSignal.timeout(2_000) });
        if (r.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${name} did not answer within 60 s:\n${server.log()}`);
      }
      await sleep(250);
    }
  }

  auth(): Record<string, string> {
    return { Authorization: `token ${this.token}` };
  }

  /** Whether `url` is this server's (HTTP or WebSocket). */
  owns(url: string): boolean {
    return url.startsWith(`${this.base}/`) || url.startsWith(`${this.base.replace("http", "ws")}/`);
  }

  /** The notebook as the server has it on disk (the contents API). */
  async contents(file: string): Promise<{ cells: Array<{ cell_type: string; outputs?: Array<{ output_type: string; data?: Record<string, unknown> }> }> }> {
    const r = await fetch(`${this.base}/api/contents/${encodeURIComponent(file)}?content=1`, { headers: this.auth(), signal: AbortSignal.timeout(30_000) });
    assert.ok(r.ok, `GET contents of ${file}: ${r.status}`);
    return ((await r.json()) as { content: Awaited<ReturnType<JupyterServer["contents"]>> }).content;
  }

  log(): string {
    return this.output.trim().split("\n").slice(-30).join("\n");
  }

  /** Shuts the kernels down through the API, then the server (its process group); SIGKILL after 10 s. */
  async stop(): Promise<void> {
    try {
      const r = await fetch(`${this.base}/api/kernels`, { headers: this.auth(), signal: AbortSignal.timeout(5_000) });
      const kernels = r.ok ? ((await r.json()) as Array<{ id: string }>) : [];
      for (const k of kernels) {
        await fetch(`${this.base}/api/kernels/${k.id}`, { method: "DELETE", headers: this.auth(), signal: AbortSignal.timeout(10_000) });
      }
    } catch {
      // the server may already be gone; the signals below still apply
    }
    const pid = this.proc.pid;
    if (pid !== undefined && !this.exited) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
      const deadline = Date.now() + 10_000;
      while (!this.exited && Date.now() < deadline) await sleep(100);
      if (!this.exited) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(this.folders.tmp, { recursive: true, force: true });
  }

  /**
   * Signs a notebook in this server's trust database (`jupyter trust`; Debian ships nbformat's signer without that
   * command on some versions: then `python3 -m nbformat.sign`), as "File → Trust Notebook" would.
   */
  trust(file: string): void {
    let r = spawnSync(JUPYTER, ["trust", file], { env: this.folders.env, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) r = spawnSync(PYTHON, ["-m", "nbformat.sign", file], { env: this.folders.env, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, `signing ${file} failed: ${r.stderr}`);
  }
}

/**
 * A copy of a notebook in out/ (git-ignored): one folder below the project root, like notebooks/, so its relative
 * paths resolve the same, and the committed notebook is never opened (nor autosaved) by a server.
 */
export function copyToOut(source: string, name: string, edit?: (nb: Record<string, unknown>) => void): string {
  const file = path.join(OUT, `${name}-${process.pid}.ipynb`);
  const nb = JSON.parse(fs.readFileSync(source, "utf8")) as Record<string, unknown>;
  edit?.(nb);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/** Deletes the copies, and the (empty) checkpoints folder a server makes when it lists checkpoints. */
export function removeCopies(...files: string[]): void {
  for (const f of files) fs.rmSync(f, { force: true });
  for (const f of files) {
    const checkpoints = path.join(OUT, ".ipynb_checkpoints");
    fs.rmSync(path.join(checkpoints, `${path.basename(f, ".ipynb")}-checkpoint.ipynb`), { force: true });
  }
  try {
    fs.rmdirSync(path.join(OUT, ".ipynb_checkpoints"));
  } catch {
    // not there, or holds someone else's checkpoints: leave it
  }
}

/** A small notebook with cells of `sources` (code), as nbformat 4.5 JSON for the tslab kernel. */
export function codeNotebook(sources: readonly string[]): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: sources.map((source, i) => ({ id: `cell-${i}`, cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
  };
}

/** The plot outputs (application/vnd.plotly.v1+json) and table outputs (an HTML `dataframe`) of a saved notebook. */
export function countOutputs(nb: Awaited<ReturnType<JupyterServer["contents"]>>): { plots: number; tables: number; plotlyCarriers: number } {
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const html = (o: { data?: Record<string, unknown> }): string => {
    const h = o.data?.["text/html"];
    return Array.isArray(h) ? h.join("") : typeof h === "string" ? h : "";
  };
  return {
    plots: outputs.filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined).length,
    tables: outputs.filter((o) => /<table[^>]*class="[^"]*dataframe/.test(html(o))).length,
    plotlyCarriers: outputs.filter((o) => /if \(!window\.Plotly\) \{/.test(html(o))).length,
  };
}

/**
 * A small notebook of plot cells, for the re-run-and-reopen checks: `init` (cell 0 calls `initPlotly()`, as the
 * lesson's imports cell), then a bar chart, a histogram and a heatmap — the trace types the lesson draws.
 * Without `init`, cell 0 only imports. The lib is imported from this checkout's dist/ by absolute path.
 */
export function plotNotebook(init: boolean): Record<string, unknown> {
  const lib = JSON.stringify(path.join(ROOT, "dist", "lib", "display", "plot"));
  return codeNotebook([
    `import { initPlotly, createPlot, displayPlot } from ${lib};\n${init ? "initPlotly();" : "// no initPlotly(): each plot carries plotly.js"}`,
    `displayPlot(createPlot([{ type: "bar", x: ["FP32", "INT8"], y: [2.54, 0.66] }], { title: { text: "bars" } }));`,
    `displayPlot(createPlot([{ type: "histogram", x: [-3, -1, -1, 0, 0, 0, 1, 1, 2, 5], nbinsx: 8 }], { title: { text: "histogram" } }));`,
    `displayPlot(createPlot([{ type: "heatmap", z: [[0, 1, 2], [3, 4, 5], [6, 7, 8]] }], { title: { text: "heatmap" } }));`,
  ]);
}
/** The titles of {@link plotNotebook}'s plots, in cell order. */
export const PLOT_NOTEBOOK_TITLES = ["bars", "histogram", "heatmap"];
