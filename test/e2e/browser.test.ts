/**
 * The notebook's plots and tables, checked in a real browser (Debian's headless Chromium through playwright-core;
 * no browser is ever downloaded):
 *
 * a. the nbconvert HTML export of the executed notebook, opened from disk with every request outside the file
 *    blocked: the size chart is drawn (its size panel: two bars, FP32 taller than INT8 by the table's ratio), the summary table
 *    has its rows, nothing but the export template's own assets is requested, and the page logs no error;
 *    then once more with RequireJS on the page (the template's local copy), as when the export is opened online;
 * b. Debian's classic Jupyter Notebook: the notebook run live in the page (all cells), and the executed notebook
 *    reopened without running anything (trusted: drawn from the saved outputs; untrusted: a readable note), and
 *    a small notebook of plots run all twice, one plot cell run again, saved and reopened: every plot draws
 *    (with initPlotly(), and without it).
 *
 * Screenshots go to out/screenshots/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { JUPYTER_APT_PACKAGES } from "../../scripts/jupyter";
import {
  allowOnly,
  copyToOut,
  countOutputs,
  JUPYTER,
  JupyterServer,
  launch,
  needChromium,
  OUT,
  PageLog,
  PLOT_NOTEBOOK_TITLES,
  plotNotebook,
  removeCopies,
  SCREENSHOTS,
} from "../helpers/browser";
import { executedNotebook, NOTEBOOK } from "../helpers/executed-notebook";
import { UNTRUSTED_NOTE } from "../../lib/display/plot";

// ------------------------------------------------------------------------------------------------
// Prerequisites: fail at once with the command that fixes them, never hang.
// ------------------------------------------------------------------------------------------------

function needJupyterNotebook(): void {
  const r = spawnSync(JUPYTER, ["notebook", "--version"], { encoding: "utf8", timeout: 60_000 });
  assert.ok(
    r.status === 0,
    `\`${JUPYTER} notebook\` does not run (${r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "no output"}). ` +
      `Install Debian's Jupyter: sudo apt-get update && sudo apt-get install -y ${JUPYTER_APT_PACKAGES.join(" ")}`,
  );
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
        // The first panel's bars (plotly's subplot "xy"): section 9's chart has the sizes there, the times beside them.
        barHeights: Array.from(gd.querySelectorAll<SVGGraphicsElement>(".subplot.xy .barlayer .point path"), (p) => p.getBBox().height),
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
  assert.equal(chart.barHeights.length, 2, `${where}: two size bars`);
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
    // scripts/execute_notebook.py inlines RequireJS and loads MathJax only for math: nothing of this machine is asked for.
    assert.deepEqual(log.blocked, [], "the export requests nothing at all (it must work uploaded anywhere, offline)");
    assert.ok(report.requireJs, "RequireJS is inlined in the export");
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
  const inlined = /<script>\s*var requirejs,require,define;/.test(html); // as scripts/execute_notebook.py writes it
  if (!inlined && !localDirs.some((d) => /require/i.test(d))) {
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

/** Debian's classic Jupyter Notebook 6.4, serving `notebookDir`, for one test. */
async function startNotebook(notebookDir: string): Promise<JupyterServer> {
  needJupyterNotebook();
  return JupyterServer.start(
    JUPYTER,
    (port, token) => [
      "notebook",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${notebookDir}`,
    ],
    "nb-browser",
  );
}

const notebookUrl = (server: JupyterServer, notebook: string): string =>
  `${server.base}/notebooks/${encodeURIComponent(notebook)}?token=${server.token}`;

async function openNotebook(browser: Browser, server: JupyterServer, file: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const log = new PageLog(page);
  await allowOnly(page, log, (url) => server.owns(url));
  await page.goto(notebookUrl(server, path.basename(file)), { waitUntil: "load", timeout: 60_000 });
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
  const server = await startNotebook(OUT);
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
  const server = await startNotebook(OUT);
  const browser = await launch();
  try {
    // Into the server's throw-away trust database.
    server.trust(trusted);

    const reopened = await openNotebook(browser, server, trusted);
    await waitForChart(reopened.page, reopened.log);
    assert.equal(await reopened.page.locator(".cell.running").count(), 0, "nothing runs");
    checkChartAndTable(await readPage(reopened.page), "reopened notebook");
    assert.deepEqual(reopened.log.blocked, [], "the saved outputs request nothing");
    assert.deepEqual(reopened.log.errors, [], "the page logs no error");
    await screenshots(reopened.page, "notebook-reopened");

    const plain = await openNotebook(browser, server, untrusted);
    const note = plain.page.locator(".plotly-graph-div", { hasText: /size/i }).first();
    await note.waitFor({ timeout: 30_000 });
    const text = await note.innerText({ timeout: 10_000 });
    assert.ok(text.startsWith(UNTRUSTED_NOTE), `an untrusted notebook says why there is no chart, and how to trust it here: ${text.slice(0, 300)}`);
    assert.match(UNTRUSTED_NOTE, /classic Notebook: File → Trust Notebook/, "… in the classic Notebook's words");
    assert.match(text, /\nFigure: .*size/i, "… and describes it in text");
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

/** Runs every cell (Cell → Run All) and waits until each code cell has a new execution count and none runs. */
async function runAllClassic(page: Page): Promise<void> {
  await runClassic(page, null);
}

/** Runs cell `index` (or all cells when null) and waits until it has a new execution count and nothing runs. */
async function runClassic(page: Page, index: number | null): Promise<void> {
  type Cell = { cell_type: string; input_prompt_number?: number | string | null; execute(): void };
  type Nb = { get_cells(): Cell[]; execute_all_cells(): void };
  const before = await page.evaluate((index) => {
    const nb = (window as unknown as { Jupyter: { notebook: Nb } }).Jupyter.notebook;
    const counts = nb.get_cells().map((c) => (typeof c.input_prompt_number === "number" ? c.input_prompt_number : 0));
    if (index === null) nb.execute_all_cells();
    else nb.get_cells()[index].execute();
    return Math.max(0, ...counts);
  }, index);
  await page.waitForFunction(
    ({ index, before }) => {
      const nb = (window as unknown as { Jupyter: { notebook: Nb } }).Jupyter.notebook;
      const code = nb.get_cells().filter((c, i) => c.cell_type === "code" && (index === null || i === index));
      const done = code.every((c) => typeof c.input_prompt_number === "number" && c.input_prompt_number > before);
      return done && document.querySelectorAll(".cell.running").length === 0;
    },
    { index, before },
    { timeout: 180_000, polling: 250 },
  );
}

/** The plotly charts drawn on a classic Notebook page: title and first trace type, in page order. */
function classicPlots(page: Page): Promise<Array<{ title: string; trace: string; marks: number }>> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("#notebook .js-plotly-plot"), (gd) => ({
      title: (gd.querySelector(".gtitle")?.textContent ?? "").trim(),
      trace: ((gd as unknown as { _fullData?: Array<{ type?: string }> })._fullData ?? [])[0]?.type ?? "",
      marks: gd.querySelectorAll(".barlayer .point path, .heatmaplayer image").length,
    })),
  );
}

test("Jupyter Notebook: run all twice, re-run one plot cell, save, reopen — every plot draws (with initPlotly, and without it)", { timeout: 900_000 }, async () => {
  needChromium();
  const withInit = copyToOut(NOTEBOOK, "browser-rerun", (nb) => Object.assign(nb, plotNotebook(true)));
  const withoutInit = copyToOut(NOTEBOOK, "browser-rerun-noinit", (nb) => Object.assign(nb, plotNotebook(false)));
  const server = await startNotebook(OUT);
  const browser = await launch();
  try {
    for (const [file, init] of [[withInit, true], [withoutInit, false]] as const) {
      const where = init ? "with initPlotly()" : "without initPlotly()";
      const { page, log } = await openNotebook(browser, server, file);
      await runAllClassic(page);
      await runAllClassic(page);
      await runClassic(page, 2);
      await page.waitForFunction((n) => document.querySelectorAll("#notebook .js-plotly-plot .main-svg").length >= n, PLOT_NOTEBOOK_TITLES.length, { timeout: 30_000 });
      await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { save_notebook(): Promise<unknown> } } }).Jupyter.notebook.save_notebook());
      assert.deepEqual(log.errors, [], `${where}: the live page logs no error`);
      await page.close();
      const saved = countOutputs(await server.contents(path.basename(file)));
      assert.equal(saved.plots, PLOT_NOTEBOOK_TITLES.length, `${where}: the saved notebook has the three plots`);
      assert.equal(saved.plotlyCarriers, init ? 1 : PLOT_NOTEBOOK_TITLES.length, `${where}: outputs carrying plotly.js`);

      const reopened = await openNotebook(browser, server, file);
      try {
        await reopened.page.waitForFunction((n) => document.querySelectorAll("#notebook .js-plotly-plot .main-svg").length >= n, PLOT_NOTEBOOK_TITLES.length, { timeout: 30_000 });
      } catch (e) {
        throw new Error(`${where}: the reopened notebook did not draw its plots; errors: ${JSON.stringify(reopened.log.errors)}\n${String(e)}`);
      }
      const plots = await classicPlots(reopened.page);
      assert.deepEqual(plots.map((p) => p.title), PLOT_NOTEBOOK_TITLES, `${where}, reopened: every plot drawn, in order`);
      assert.deepEqual(plots.map((p) => p.trace), ["bar", "histogram", "heatmap"]);
      assert.ok(plots.every((p) => p.marks > 0), `${where}, reopened: each plot has drawn marks: ${JSON.stringify(plots)}`);
      assert.equal(await reopened.page.locator(".cell.running").count(), 0, "nothing runs");
      assert.deepEqual(reopened.log.errors, [], `${where}, reopened: no error`);
      assert.deepEqual(reopened.log.blocked, [], `${where}, reopened: nothing outside the server is requested`);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await reopened.page.screenshot({ path: path.join(SCREENSHOTS, init ? "notebook-rerun-reopened.png" : "notebook-rerun-noinit-reopened.png"), fullPage: true, timeout: 30_000 });
      await reopened.page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    removeCopies(withInit, withoutInit);
  }
});
