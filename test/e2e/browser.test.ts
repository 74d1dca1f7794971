/**
 * The notebook's plots and tables, checked in a real browser (Debian's headless Chromium through playwright-core;
 * no browser is ever downloaded):
 *
 * a. the nbconvert HTML export of the executed notebook, opened from disk with every request outside the file
 *    blocked: the size chart is drawn (two bars, FP32 taller than INT8 by the table's ratio), the summary table
 *    has its rows, nothing but the export template's own assets is requested, and the page logs no error;
 *    then once more with RequireJS on the page (the template's local copy), as when the export is opened online;
 * b. Debian's classic Jupyter Notebook: the notebook run live in the page (all cells), and the executed notebook
 *    reopened without running anything (trusted: drawn from the saved outputs; untrusted: a readable note).
 *
 * Screenshots go to out/screenshots/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { JUPYTER_APT_PACKAGES, jupyterEnv, registerKernel } from "../../scripts/jupyter";
import { executedNotebook, NOTEBOOK } from "../helpers/executed-notebook";
import { ROOT } from "../helpers/paths";

const CHROMIUM = "/usr/bin/chromium";
const JUPYTER = fs.existsSync("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";
/** The Python that runs that Jupyter (the first `python3` on PATH may be another one, without Jupyter). */
const PYTHON = JUPYTER === "/usr/bin/jupyter" ? "/usr/bin/python3" : "python3";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUT = path.join(ROOT, "out");
const SCREENSHOTS = path.join(OUT, "screenshots");

// ------------------------------------------------------------------------------------------------
// Prerequisites: fail at once with the command that fixes them, never hang.
// ------------------------------------------------------------------------------------------------

function needChromium(): void {
  assert.ok(
    fs.existsSync(CHROMIUM),
    `${CHROMIUM} not found. The browser checks use Debian's Chromium (never a downloaded one): ` +
      "sudo apt-get update && sudo apt-get install -y chromium",
  );
}

function needJupyterNotebook(): void {
  const r = spawnSync(JUPYTER, ["notebook", "--version"], { encoding: "utf8", timeout: 60_000 });
  assert.ok(
    r.status === 0,
    `\`${JUPYTER} notebook\` does not run (${r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "no output"}). ` +
      `Install Debian's Jupyter: sudo apt-get update && sudo apt-get install -y ${JUPYTER_APT_PACKAGES.join(" ")}`,
  );
}

async function launch(): Promise<Browser> {
  needChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** The executed notebook and its HTML export, with every cell run without error. */
function executed(): ReturnType<typeof executedNotebook> {
  const result = executedNotebook();
  assert.deepEqual(result.failures, [], `cells of ${NOTEBOOK} failed, so there is nothing to look at`);
  return result;
}

// ------------------------------------------------------------------------------------------------
// What a page shows, and what it logged
// ------------------------------------------------------------------------------------------------

interface ChartReport {
  title: string;
  xLabels: string[];
  /** y of the first trace, as plotly.js holds it (`gd.data[0].y`). */
  yValues: number[];
  /** Heights in px of the bars drawn in the SVG, left to right. */
  barHeights: number[];
}
interface TableReport {
  header: string[];
  rows: string[][];
}
interface PageReport {
  charts: ChartReport[];
  tables: TableReport[];
  requireJs: boolean;
}

/** Reads the drawn plotly charts and the `dataframe` tables out of the page. */
function readPage(page: Page): Promise<PageReport> {
  return page.evaluate((): PageReport => {
    const texts = (root: Element, selector: string): string[] =>
      Array.from(root.querySelectorAll(selector), (e) => (e.textContent ?? "").trim());
    const charts = Array.from(document.querySelectorAll(".js-plotly-plot"), (gd): ChartReport => {
      const data = (gd as unknown as { data?: Array<{ y?: unknown[] }> }).data ?? [];
      return {
        title: texts(gd, ".gtitle").join(" "),
        xLabels: texts(gd, ".xtick text"),
        yValues: (data[0]?.y ?? []).map(Number),
        barHeights: Array.from(gd.querySelectorAll<SVGGraphicsElement>(".barlayer .point path"), (p) => p.getBBox().height),
      };
    });
    const tables = Array.from(document.querySelectorAll("table.dataframe"), (t): TableReport => ({
      header: texts(t, "thead th"),
      rows: Array.from(t.querySelectorAll("tbody tr"), (tr) => texts(tr, "th, td")),
    }));
    const define = (window as unknown as { define?: ((...args: unknown[]) => void) & { amd?: unknown } }).define;
    return { charts, tables, requireJs: typeof define === "function" && define.amd !== undefined };
  });
}

/** Console errors and uncaught exceptions of a page, and the requests it was refused. */
class PageLog {
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
async function allowOnly(page: Page, log: PageLog, allow: (url: string) => boolean): Promise<void> {
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (allow(url)) return route.continue();
    log.blocked.push(url);
    return route.abort();
  });
}

/** Waits for a drawn bar chart with at least 2 bars, failing with what the page logged. */
async function waitForChart(page: Page, log: PageLog, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .barlayer .point path").length >= 2, undefined, {
      timeout,
    });
  } catch (e) {
    throw new Error(
      `no bar chart was drawn within ${timeout / 1000} s.\nPage errors: ${JSON.stringify(log.errors, null, 2)}\n` +
        `Blocked requests: ${JSON.stringify(log.blocked, null, 2)}\n${String(e)}`,
    );
  }
}

/** FP32 and INT8 sizes (KB) from the summary table: `FP32_KB`/`INT8_KB` columns, or FP32/INT8 rows × a KB column. */
function sizesFromTable(t: TableReport): { fp32: number; int8: number } | undefined {
  const col = (re: RegExp): number => t.header.findIndex((h) => re.test(h));
  const wideFp32 = col(/^FP32.*KB/i);
  const wideInt8 = col(/^INT8.*KB/i);
  if (wideFp32 >= 0 && wideInt8 >= 0 && t.rows.length >= 1) {
    return { fp32: Number(t.rows[0][wideFp32]), int8: Number(t.rows[0][wideInt8]) };
  }
  const kb = col(/KB|size/i);
  const row = (label: string): string[] | undefined => t.rows.find((r) => r[0] === label);
  const f = row("FP32");
  const i = row("INT8");
  return kb >= 0 && f && i ? { fp32: Number(f[kb]), int8: Number(i[kb]) } : undefined;
}

/**
 * The checks every view of the notebook must pass: the size chart is drawn with FP32 taller than INT8 by the
 * ratio of the sizes in the summary table, and the summary table has its rows.
 */
function checkChartAndTable(report: PageReport, where: string): { ratio: number; summary: TableReport } {
  const chart = report.charts.find((c) => c.xLabels.includes("FP32") && c.xLabels.includes("INT8"));
  assert.ok(chart, `${where}: a chart with FP32 and INT8 bars is drawn; charts found: ${JSON.stringify(report.charts)}`);
  assert.match(chart.title, /size/i, `${where}: the chart is the size chart`);
  assert.equal(chart.barHeights.length, 2, `${where}: two bars`);
  const [fp32Px, int8Px] = chart.barHeights;
  assert.ok(int8Px > 0 && fp32Px > int8Px, `${where}: the FP32 bar (${fp32Px}px) is taller than the INT8 one (${int8Px}px)`);

  const summary = report.tables.find((t) => sizesFromTable(t) !== undefined);
  assert.ok(summary, `${where}: a summary table with FP32 and INT8 sizes; tables found: ${JSON.stringify(report.tables.map((t) => t.header))}`);
  assert.ok(summary.rows.length >= 1, `${where}: the summary table has rows`);
  for (const row of summary.rows) {
    assert.equal(row.length, summary.header.length, `${where}: every row has a cell per column`);
    assert.ok(row.slice(1).every((c) => c !== "" && Number.isFinite(Number(c))), `${where}: summary values are numbers: ${row}`);
  }
  const sizes = sizesFromTable(summary);
  assert.ok(sizes);
  assert.deepEqual(chart.yValues, [sizes.fp32, sizes.int8], `${where}: the chart plots the table's sizes`);
  const ratio = sizes.fp32 / sizes.int8;
  const drawn = fp32Px / int8Px;
  assert.ok(Math.abs(drawn / ratio - 1) < 0.03, `${where}: bar heights ${fp32Px}:${int8Px} (×${drawn.toFixed(2)}) follow the sizes ×${ratio.toFixed(2)}`);
  assert.ok(ratio > 3 && ratio < 4.5, `${where}: float32 → int8 weights shrink the model about 4× (table says ×${ratio.toFixed(2)})`);
  return { ratio, summary };
}

async function screenshots(page: Page, name: string): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const full = path.join(SCREENSHOTS, `${name}.png`);
  const chartFile = path.join(SCREENSHOTS, `${name}-chart.png`);
  const chart = page.locator(".js-plotly-plot").last();
  await chart.scrollIntoViewIfNeeded({ timeout: 10_000 });
  await page.screenshot({ path: full, fullPage: true, timeout: 30_000 });
  await chart.screenshot({ path: chartFile, timeout: 30_000 });
  return [full, chartFile];
}

// ------------------------------------------------------------------------------------------------
// a. The HTML export
// ------------------------------------------------------------------------------------------------

/** The template's own `<script src>` assets (RequireJS, MathJax): Debian's nbconvert points at local files. */
const templateAsset = (url: string): boolean => /require(\.min)?\.js|mathjax/i.test(url);

test("HTML export, offline: chart drawn, summary table, no request but the file, no error", { timeout: 900_000 }, async () => {
  needChromium();
  const { htmlPath } = executed();
  const fileUrl = pathToFileURL(htmlPath).href;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const log = new PageLog(page);
    await allowOnly(page, log, (url) => url.split("#")[0] === fileUrl);
    await page.goto(fileUrl, { waitUntil: "load", timeout: 60_000 });
    await waitForChart(page, log);
    const report = await readPage(page);
    checkChartAndTable(report, "HTML export");
    const foreign = log.blocked.filter((u) => !templateAsset(u));
    assert.deepEqual(foreign, [], "no output of the notebook requests anything (no CDN, no server path)");
    assert.deepEqual(log.unexpectedErrors(templateAsset), [], "the page logs no error (but the blocked template assets)");
    const shots = await screenshots(page, "html-export-offline");
    console.log(`screenshots: ${shots.join(", ")}; blocked template assets: ${log.blocked.join(", ") || "none"}`);
  } finally {
    await browser.close();
  }
});

test("HTML export with RequireJS on the page: plotly.js still loads and draws, no error", { timeout: 900_000 }, async (t) => {
  needChromium();
  const { htmlPath } = executed();
  const html = fs.readFileSync(htmlPath, "utf8");
  // nbconvert's template loads RequireJS (and MathJax); Debian's points at local copies, upstream's at a CDN.
  const localDirs = [...html.matchAll(/<script src="(file:[^"]+)"/g)].map((m) => m[1].slice(0, m[1].lastIndexOf("/") + 1));
  if (!localDirs.some((d) => /require/i.test(d))) {
    t.skip("this nbconvert's template loads RequireJS from the network, which the checks never use");
    return;
  }
  const fileUrl = pathToFileURL(htmlPath).href;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const log = new PageLog(page);
    await allowOnly(page, log, (url) => url.split("#")[0] === fileUrl || localDirs.some((d) => url.startsWith(d)));
    await page.goto(fileUrl, { waitUntil: "load", timeout: 60_000 });
    await waitForChart(page, log);
    const report = await readPage(page);
    assert.ok(report.requireJs, "RequireJS (define.amd) is on the page");
    checkChartAndTable(report, "HTML export + RequireJS");
    assert.deepEqual(log.blocked, [], "nothing outside the file and the template's local assets is requested");
    assert.deepEqual(log.errors, [], "no error (no 'Mismatched anonymous define()', no missing Plotly)");
    await screenshots(page, "html-export-requirejs");
  } finally {
    await browser.close();
  }
});

// ------------------------------------------------------------------------------------------------
// b. The classic Jupyter Notebook
// ------------------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A Jupyter Notebook server started for one test, on its own port, token and Jupyter folders. */
class NotebookServer {
  private readonly proc: ChildProcess;
  private output = "";
  private exited = false;
  private constructor(
    readonly base: string,
    readonly token: string,
    readonly env: NodeJS.ProcessEnv,
    readonly tmp: string,
    notebookDir: string,
    port: number,
  ) {
    this.proc = spawn(
      JUPYTER,
      [
        "notebook",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--port-retries=0",
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${notebookDir}`,
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.proc.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.proc.on("exit", () => (this.exited = true));
  }

  /**
   * Registers the project's kernel (JUPYTER_PATH, as `npm start` does) and gives the server throw-away config,
   * data (notebook trust database) and runtime folders, so nothing outside the project and /tmp is touched.
   */
  static async start(notebookDir: string): Promise<NotebookServer> {
    needJupyterNotebook();
    registerKernel(ROOT);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nb-browser-"));
    const env: NodeJS.ProcessEnv = {
      ...jupyterEnv(ROOT),
      JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
      JUPYTER_DATA_DIR: path.join(tmp, "data"),
      JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    };
    const port = await freePort();
    const token = crypto.randomBytes(24).toString("hex");
    const server = new NotebookServer(`http://127.0.0.1:${port}`, token, env, tmp, notebookDir, port);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exited) throw new Error(`jupyter notebook exited at start:\n${server.log()}`);
      try {
        const r = await fetch(`${server.base}/api/status`, { headers: server.auth(), signal: AbortSignal.timeout(2_000) });
        if (r.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`jupyter notebook did not answer within 60 s:\n${server.log()}`);
      }
      await sleep(250);
    }
  }

  auth(): Record<string, string> {
    return { Authorization: `token ${this.token}` };
  }

  url(notebook: string): string {
    return `${this.base}/notebooks/${encodeURIComponent(notebook)}?token=${this.token}`;
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
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/**
 * A copy of a notebook in out/ (git-ignored): one folder below the project root, like notebooks/, so its
 * `from ".."` imports resolve the same, and the committed notebook is never opened (nor autosaved) by the server.
 */
function copyToOut(source: string, name: string, edit?: (nb: Record<string, unknown>) => void): string {
  const file = path.join(OUT, `${name}-${process.pid}.ipynb`);
  const nb = JSON.parse(fs.readFileSync(source, "utf8")) as Record<string, unknown>;
  edit?.(nb);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/** Deletes the copies, and the (empty) checkpoints folder the Notebook server makes when it lists checkpoints. */
function removeCopies(...files: string[]): void {
  for (const f of files) fs.rmSync(f, { force: true });
  try {
    fs.rmdirSync(path.join(OUT, ".ipynb_checkpoints"));
  } catch {
    // not there, or holds someone else's checkpoints: leave it
  }
}

async function openNotebook(browser: Browser, server: NotebookServer, file: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const log = new PageLog(page);
  await allowOnly(page, log, (url) => url.startsWith(`${server.base}/`) || url.startsWith(server.base.replace("http", "ws")));
  await page.goto(server.url(path.basename(file)), { waitUntil: "load", timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const J = (window as unknown as { Jupyter?: { notebook?: { _fully_loaded?: boolean; kernel?: { is_connected(): boolean } } } }).Jupyter;
      return J?.notebook?._fully_loaded === true && J.notebook.kernel?.is_connected() === true;
    },
    undefined,
    { timeout: 90_000 },
  );
  // Never write the copy back while we look at it.
  await page.evaluate(() => {
    (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void } } }).Jupyter.notebook.set_autosave_interval(0);
  });
  return { page, log };
}

test("Jupyter Notebook, live: run all cells; chart and table render in the page, no error", { timeout: 900_000 }, async () => {
  needChromium();
  const file = copyToOut(NOTEBOOK, "browser-live");
  const server = await NotebookServer.start(OUT);
  const browser = await launch();
  try {
    const { page, log } = await openNotebook(browser, server, file);
    await page.evaluate(() => {
      (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells();
    });
    try {
      await page.waitForFunction(() => document.querySelectorAll(".cell.running").length === 0, undefined, { timeout: 180_000, polling: 500 });
    } catch (e) {
      throw new Error(`the cells did not finish within 3 minutes\nserver log:\n${server.log()}\n${String(e)}`);
    }
    const failed = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".output_error, .output_stderr"), (e) => (e.textContent ?? "").trim()).filter((s) => s !== ""),
    );
    await waitForChart(page, log, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\nstderr / errors of the cells: ${JSON.stringify(failed)}`);
    });
    // Each rich output arrived as ONE display_data with its whole MIME bundle.
    const bundles = await page.evaluate(() => {
      type Out = { output_type: string; data?: Record<string, unknown> };
      type Cell = { output_area?: { outputs: Out[] } };
      const nb = (window as unknown as { Jupyter: { notebook: { get_cells(): Cell[] } } }).Jupyter.notebook;
      return nb
        .get_cells()
        .flatMap((c) => c.output_area?.outputs ?? [])
        .filter((o) => o.output_type === "display_data")
        .map((o) => Object.keys(o.data ?? {}).sort().join(" + "));
    });
    assert.ok(bundles.includes("application/vnd.plotly.v1+json + text/html + text/plain"), `a plot bundle arrived: ${bundles}`);
    assert.ok(bundles.includes("text/html + text/plain"), `a table bundle arrived: ${bundles}`);
    checkChartAndTable(await readPage(page), "live Notebook");
    assert.ok((await readPage(page)).requireJs, "the Notebook page has RequireJS");
    assert.deepEqual(log.blocked, [], "the page requests nothing outside the Notebook server");
    assert.deepEqual(log.errors, [], "the page logs no error");
    await screenshots(page, "notebook-live");
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    removeCopies(file);
  }
});

test("Jupyter Notebook, reopened: the saved outputs draw the chart without running a cell (trusted) or say why not", { timeout: 900_000 }, async () => {
  needChromium();
  const { executedPath } = executed();
  const trusted = copyToOut(executedPath, "browser-reopened");
  // A different notebook (trust is by content): the same outputs, as someone else's unsigned copy.
  const untrusted = copyToOut(executedPath, "browser-untrusted", (nb) => {
    (nb.metadata as Record<string, unknown>).title = "untrusted copy";
  });
  const server = await NotebookServer.start(OUT);
  const browser = await launch();
  try {
    // `jupyter trust` (Debian ships nbformat's signer without that command: then `python3 -m nbformat.sign`),
    // into the server's throw-away trust database.
    let trust = spawnSync(JUPYTER, ["trust", trusted], { env: server.env, encoding: "utf8", timeout: 60_000 });
    if (trust.status !== 0) trust = spawnSync(PYTHON, ["-m", "nbformat.sign", trusted], { env: server.env, encoding: "utf8", timeout: 60_000 });
    assert.equal(trust.status, 0, `signing the notebook failed: ${trust.stderr}`);

    const reopened = await openNotebook(browser, server, trusted);
    await waitForChart(reopened.page, reopened.log);
    assert.equal(await reopened.page.locator(".cell.running").count(), 0, "nothing runs");
    checkChartAndTable(await readPage(reopened.page), "reopened notebook");
    assert.deepEqual(reopened.log.blocked, [], "the saved outputs request nothing");
    assert.deepEqual(reopened.log.errors, [], "the page logs no error");
    await screenshots(reopened.page, "notebook-reopened");

    const plain = await openNotebook(browser, server, untrusted);
    const note = plain.page.locator(".plotly-graph-div pre").first();
    await note.waitFor({ timeout: 30_000 });
    assert.match(await note.innerText({ timeout: 10_000 }), /not trusted.*Trust Notebook/s, "an untrusted notebook says why there is no chart");
    assert.match(await note.innerText({ timeout: 10_000 }), /Figure: .*size/i, "… and describes it in text");
    assert.equal(await plain.page.locator(".js-plotly-plot").count(), 0, "no script ran");
    assert.ok((await plain.page.locator("table.dataframe").count()) >= 1, "tables need no script");
    assert.deepEqual(plain.log.errors, [], "the page logs no error");
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await note.scrollIntoViewIfNeeded({ timeout: 10_000 });
    await plain.page.screenshot({ path: path.join(SCREENSHOTS, "notebook-untrusted.png"), timeout: 30_000 });
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    removeCopies(trusted, untrusted);
  }
});
