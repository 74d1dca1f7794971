/**
 * The notebook in a real JupyterLab 4 (test/jupyterlab/: JupyterLab's examples/app built from the `@jupyterlab/*`
 * npm packages), served by Debian's jupyterlab_server 2.16 on jupyter_server 1.23 at 127.0.0.1 with a token, in
 * Debian's headless Chromium. Every request outside the server is refused, so nothing is fetched.
 *
 * a. the saved executed notebook, untrusted: each plot shows its note (in JupyterLab's words) and its text, the
 *    tables are drawn, and the commands the note names are where it says (command palette, Kernel menu);
 *    trusting it through the palette draws every plot;
 * b. the same file trusted (signed, as a trusted session saves it): every plot drawn without running a cell;
 * c. with jupyterlab-plotly (npm package, its renderer of application/vnd.plotly.v1+json): every plot drawn
 *    untrusted;
 * d. live: Kernel → Restart Kernel and Run All Cells… on the tslab kernel: no error output, every plot and table
 *    drawn; saved and reopened, every plot draws again;
 * e. run all twice, re-run one plot cell, save, reopen: every plot draws;
 * f. a plot whose plotly.js output was cleared says what to run, in JupyterLab's words.
 *
 * Screenshots go to out/screenshots/. The front end is built on first use (see test/helpers/jupyterlab.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createPlot, displayPlot, initPlotly, MISSING_PLOTLY_NOTES, resetPlotlyJsInclusion, UNTRUSTED_NOTE } from "../../lib/display/plot";
import { captureDisplays } from "../helpers/capture-display";
import {
  copyToOut,
  countOutputs,
  launch,
  PLOT_NOTEBOOK_TITLES,
  plotNotebook,
  removeCopies,
  SCREENSHOTS,
  type JupyterServer,
  type PageLog,
} from "../helpers/browser";
import { executedNotebook, NOTEBOOK } from "../helpers/executed-notebook";
import {
  acceptLabDialog,
  ensureJupyterLab,
  LAB_ROOT,
  labCommand,
  labErrors,
  openInLab,
  readLab,
  runLabCell,
  saveInLab,
  startJupyterLab,
  waitForLabIdle,
  waitForLabPlots,
  type LabReport,
} from "../helpers/jupyterlab";

const TIMEOUT = { timeout: 900_000 };

/** The executed notebook, with every cell run without error. */
function executed(): string {
  const result = executedNotebook();
  assert.deepEqual(result.failures, [], `cells of ${NOTEBOOK} failed, so there is nothing to look at`);
  return result.executedPath;
}

type Saved = Parameters<typeof countOutputs>[0];
const readSaved = (file: string): Saved => JSON.parse(fs.readFileSync(file, "utf8")) as Saved;

/** Runs `body` with a JupyterLab server and a browser, stopping both (and deleting `copies`) whatever happens. */
async function withLab(options: Parameters<typeof startJupyterLab>[1], copies: string[], body: (server: JupyterServer, browser: Browser) => Promise<void>): Promise<void> {
  const server = await startJupyterLab(LAB_ROOT, options);
  let browser: Browser | undefined;
  try {
    browser = await launch();
    await body(server, browser);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    removeCopies(...copies);
  }
}

async function shoot(page: Page, name: string, locator = ".js-plotly-plot"): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const target = page.locator(locator).last();
  if ((await target.count()) > 0) {
    await target.scrollIntoViewIfNeeded({ timeout: 10_000 });
    await target.screenshot({ path: path.join(SCREENSHOTS, `${name}-plot.png`), timeout: 30_000 });
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), timeout: 30_000 });
}

/** Every plot drawn with marks, the tables all there, nothing logged but JupyterLab's known noise. */
function checkAllDrawn(report: LabReport, expected: { plots: number; tables: number }, log: PageLog, where: string, byRenderer = false): void {
  assert.equal(report.plots.length, expected.plots, `${where}: every plot output is drawn (${report.plots.length} of ${expected.plots}); undrawn: ${JSON.stringify(report.notes).slice(0, 500)}`);
  for (const p of report.plots) {
    assert.ok(p.traces.length > 0 && p.marks > 0, `${where}: plot "${p.title}" has traces (${p.traces}) and drawn marks (${p.marks})`);
    assert.equal(p.byRenderer, byRenderer, `${where}: plot "${p.title}" drawn by ${byRenderer ? "jupyterlab-plotly's renderer" : "the output's own HTML"}`);
  }
  assert.deepEqual(report.notes, [], `${where}: no plot is left undrawn`);
  assert.equal(report.tables, expected.tables, `${where}: every table is drawn`);
  assert.deepEqual(labErrors(log), [], `${where}: the page logs no error (but jupyter_server 1.x's missing /api/me, /api/events)`);
  assert.deepEqual(log.blocked, [], `${where}: nothing outside the server is requested`);
}

test("JupyterLab 4 setup: the test front end builds and Debian's servers are installed", TIMEOUT, () => {
  const started = Date.now();
  ensureJupyterLab();
  console.log(`JupyterLab front end ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("JupyterLab 4, saved notebook untrusted: each plot says how to trust it (in JupyterLab's words) and what it shows; tables drawn; trusting it draws every plot", TIMEOUT, async () => {
  const source = executed();
  const expected = countOutputs(readSaved(source));
  assert.ok(expected.plots >= 1 && expected.tables >= 1, `the executed notebook has plots and tables: ${JSON.stringify(expected)}`);
  const file = copyToOut(source, "lab-untrusted", (nb) => {
    (nb.metadata as Record<string, unknown>).title = "an unsigned copy";
  });
  await withLab({ kernel: false }, [file], async (server, browser) => {
    const { page, log } = await openInLab(browser, server, file);
    await page.waitForFunction((n) => document.querySelectorAll(".jp-Notebook .plotly-graph-div").length >= n, expected.plots, { timeout: 60_000 });
    await page.waitForTimeout(1_000);
    const report = await readLab(page);
    assert.equal(report.plots.length, 0, "no script ran: no plot is drawn");
    assert.equal(report.notes.length, expected.plots, "every plot output shows its note");
    for (const note of report.notes) {
      assert.ok(note.startsWith(UNTRUSTED_NOTE), `the note names JupyterLab's command palette "Trust Notebook" and Kernel menu: ${note.slice(0, 400)}`);
      assert.match(note, /\nFigure: .+\n  trace 0: /, "… and describes the figure in text");
    }
    assert.equal(report.tables, expected.tables, "tables need no script: all drawn");
    await shoot(page, "jupyterlab-untrusted", ".plotly-graph-div");

    // The note's words, checked against this JupyterLab: the Kernel menu has the item, File has no Trust Notebook …
    const menuItems = async (menu: string): Promise<string[]> => {
      await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${menu}$`) }).click();
      const labels = await page.locator(".lm-Menu:visible .lm-Menu-itemLabel").allInnerTexts();
      await page.keyboard.press("Escape");
      return labels.map((l) => l.trim());
    };
    assert.ok((await menuItems("Kernel")).includes("Restart Kernel and Run All Cells…"), "Kernel → Restart Kernel and Run All Cells… exists");
    assert.ok(!(await menuItems("File")).some((l) => /trust/i.test(l)), "JupyterLab 4's File menu has no Trust Notebook");
    // … and the command palette (Ctrl+Shift+C) finds "Trust Notebook", which draws every plot.
    await page.locator(".jp-Notebook").first().click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+Shift+C");
    const input = page.locator(".lm-CommandPalette-input:visible");
    await input.waitFor({ timeout: 10_000 });
    await input.fill("Trust Notebook");
    const first = page.locator(".lm-CommandPalette-item:visible .lm-CommandPalette-itemLabel").first();
    assert.equal((await first.innerText()).trim(), "Trust Notebook", "the palette's first match is Trust Notebook");
    await page.keyboard.press("Enter");
    assert.match(await acceptLabDialog(page), /trust/i, "JupyterLab asks whether to trust the notebook");
    const trusted = await waitForLabPlots(page, expected.plots, log);
    checkAllDrawn(trusted, expected, log, "trusted through the palette");
    await shoot(page, "jupyterlab-trusted-by-palette");
  });
});

test("JupyterLab 4, saved notebook trusted (signed): every plot drawn from the saved outputs, no cell run", TIMEOUT, async () => {
  const source = executed();
  const expected = countOutputs(readSaved(source));
  const file = copyToOut(source, "lab-trusted");
  await withLab({ kernel: false }, [file], async (server, browser) => {
    server.trust(file);
    const { page, log } = await openInLab(browser, server, file);
    const report = await waitForLabPlots(page, expected.plots, log);
    checkAllDrawn(report, expected, log, "trusted");
    assert.ok(report.plots.some((p) => p.traces.includes("bar")), `bar charts drawn: ${JSON.stringify(report.plots.map((p) => p.traces))}`);
    const prompts = await page.locator(".jp-Notebook .jp-InputPrompt").allInnerTexts();
    assert.ok(!prompts.some((t) => t.includes("*")), "no cell runs");
    await shoot(page, "jupyterlab-trusted");
  });
});

test("JupyterLab 4 with jupyterlab-plotly: every plot drawn untrusted by its application/vnd.plotly.v1+json renderer", TIMEOUT, async () => {
  const source = executed();
  const expected = countOutputs(readSaved(source));
  const file = copyToOut(source, "lab-plotly-renderer", (nb) => {
    (nb.metadata as Record<string, unknown>).title = "an unsigned copy";
  });
  await withLab({ plotlyRenderer: true, kernel: false }, [file], async (server, browser) => {
    const { page, log } = await openInLab(browser, server, file);
    const report = await waitForLabPlots(page, expected.plots, log);
    checkAllDrawn(report, expected, log, "jupyterlab-plotly, untrusted", true);
    await shoot(page, "jupyterlab-plotly-renderer");
  });
});

test("JupyterLab 4, live: Kernel → Restart Kernel and Run All Cells… on tslab: no error, every plot and table drawn; saved and reopened, every plot draws", TIMEOUT, async () => {
  const file = copyToOut(NOTEBOOK, "lab-live");
  await withLab({}, [file], async (server, browser) => {
    const { page, log } = await openInLab(browser, server, file, { kernel: true });
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Kernel$/ }).click();
    await page.locator(".lm-Menu:visible .lm-Menu-itemLabel", { hasText: /^Restart Kernel and Run All Cells…$/ }).click();
    assert.match(await acceptLabDialog(page), /restart/i, "JupyterLab asks before restarting");
    const started = Date.now();
    await waitForLabIdle(page);
    console.log(`Restart Kernel and Run All Cells…: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await saveInLab(page);
    const saved = countOutputs(await server.contents(path.basename(file)));
    assert.ok(saved.plots >= 1 && saved.tables >= 1, `the run made plots and tables: ${JSON.stringify(saved)}`);
    const live = await waitForLabPlots(page, saved.plots, log);
    assert.deepEqual(live.errors, [], "no cell wrote an error");
    checkAllDrawn(live, saved, log, "live run");
    assert.equal(saved.plotlyCarriers, 1, "plotly.js is saved once (initPlotly() in the imports cell), not once per plot");
    await shoot(page, "jupyterlab-live");
    await page.close();

    const reopened = await openInLab(browser, server, file);
    checkAllDrawn(await waitForLabPlots(reopened.page, saved.plots, reopened.log), saved, reopened.log, "saved after the live run, reopened");
    await shoot(reopened.page, "jupyterlab-live-reopened");
  });
});

test("JupyterLab 4: run all twice, re-run one plot cell, save, reopen — every plot draws", TIMEOUT, async () => {
  // (Without initPlotly() every plot output carries plotly.js itself: test/display/plot.test.ts, and the classic
  // Notebook's re-run check in test/e2e/browser.test.ts.)
  const file = copyToOut(NOTEBOOK, "lab-rerun", (nb) => Object.assign(nb, plotNotebook(true)));
  await withLab({}, [file], async (server, browser) => {
    const { page, log } = await openInLab(browser, server, file, { kernel: true });
    await labCommand(page, "notebook:run-all-cells");
    await waitForLabIdle(page);
    await labCommand(page, "notebook:run-all-cells");
    await waitForLabIdle(page);
    await runLabCell(page, 2);
    const live = await waitForLabPlots(page, PLOT_NOTEBOOK_TITLES.length, log);
    assert.deepEqual(live.errors, [], "no cell wrote an error");
    await saveInLab(page);
    await page.close();
    const saved = countOutputs(await server.contents(path.basename(file)));
    assert.equal(saved.plots, PLOT_NOTEBOOK_TITLES.length);
    assert.equal(saved.plotlyCarriers, 1, "one output carries plotly.js: the imports cell's (initPlotly)");

    const reopened = await openInLab(browser, server, file);
    const report = await waitForLabPlots(reopened.page, PLOT_NOTEBOOK_TITLES.length, reopened.log);
    checkAllDrawn(report, { plots: PLOT_NOTEBOOK_TITLES.length, tables: 0 }, reopened.log, "reopened");
    assert.deepEqual(report.plots.map((p) => p.title), PLOT_NOTEBOOK_TITLES, "the three plots, in order");
    assert.deepEqual(report.plots.map((p) => p.traces[0]), ["bar", "histogram", "heatmap"]);
    await shoot(reopened.page, "jupyterlab-rerun-reopened");
  });
});

test("JupyterLab 4: a plot whose plotly.js output is gone says what to run, in JupyterLab's words", TIMEOUT, async () => {
  // The saved notebook of a session that called initPlotly(), with that cell's output cleared: the plot outputs
  // are made here by the lib itself (as the kernel would), then the file is signed as a trusted session saves it.
  resetPlotlyJsInclusion();
  const outputs = captureDisplays(() => {
    initPlotly();
    for (const title of PLOT_NOTEBOOK_TITLES) displayPlot(createPlot([{ type: "bar", x: ["a", "b"], y: [1, 2] }], { title: { text: title } }));
  });
  resetPlotlyJsInclusion();
  const file = copyToOut(NOTEBOOK, "lab-cleared", (nb) => {
    Object.assign(nb, plotNotebook(true));
    const cells = nb.cells as Array<{ outputs: unknown[]; execution_count: number | null }>;
    cells.forEach((cell, i) => {
      cell.execution_count = i + 1;
      // Cell 0's output (the one carrying plotly.js) is cleared; each plot cell keeps its plot.
      cell.outputs = i === 0 ? [] : [{ output_type: "display_data", data: outputs[i].data, metadata: {} }];
    });
  });
  await withLab({ kernel: false }, [file], async (server, browser) => {
    server.trust(file);
    const { page, log } = await openInLab(browser, server, file);
    await page.waitForFunction(
      (text) => Array.from(document.querySelectorAll(".tsnb-plotly-note"), (e) => e.textContent).filter((t) => t === text).length === 3,
      MISSING_PLOTLY_NOTES.jupyterlab,
      { timeout: 30_000 },
    );
    assert.equal((await readLab(page)).plots.length, 0);
    assert.deepEqual(labErrors(log), [], "the page logs no error");
    await shoot(page, "jupyterlab-plotly-missing", ".plotly-graph-div");
  });
});
