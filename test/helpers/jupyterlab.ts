/**
 * The JupyterLab 4 front end of the browser tests (test/jupyterlab/: JupyterLab's examples/app, built from the
 * `@jupyterlab/*` npm packages with @jupyter/builder and rspack), served by Debian's jupyterlab_server on
 * jupyter_server, and what a page of it shows.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { ensureTestPrerequisites } from "../../scripts/test-prerequisites";
import { allowOnly, JupyterServer, OUT, PageLog, PYTHON, sleep } from "./browser";
import { ROOT } from "./paths";

export const LAB_DIR = path.join(ROOT, "test", "jupyterlab");
const BUILD_STAMP = path.join(LAB_DIR, "build", "stamp.json");
/** Debian's packages the front end is served with (jupyterlab_server 2.16 on jupyter_server 1.23 in Debian 12). */
export const LAB_APT_PACKAGES = ["python3-jupyterlab-server", "python3-jupyter-server"];

/** What the build is made from: the lockfile and the sources (a change of any rebuilds it). */
function sourceFingerprint(): string {
  const h = crypto.createHash("sha256");
  for (const f of ["package-lock.json", "package.json", "index.js", "rspack.config.js"]) h.update(f).update(fs.readFileSync(path.join(LAB_DIR, f)));
  return h.digest("hex");
}

function npm(args: string[], what: string): void {
  const started = Date.now();
  const r = spawnSync("npm", args, { cwd: LAB_DIR, encoding: "utf8", timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${what} in ${LAB_DIR} failed (npm ${args.join(" ")}):\n${(r.stdout + r.stderr).slice(-4000)}`);
  console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Makes sure the front end is built: `npm ci` (its own lockfile, exact pins) and `npm run build` in test/jupyterlab
 * on first use and whenever its lockfile or sources change (≈ 45 s + 5 s on a fresh clone), and that Debian's
 * servers are installed (installing them as root, else failing with the command).
 */
export function ensureJupyterLab(): void {
  const lines: string[] = [];
  const ready = ensureTestPrerequisites((l) => lines.push(l), LAB_APT_PACKAGES);
  assert.equal(ready, 0, `the JupyterLab checks: ${lines.join("\n")}`);
  const fingerprint = sourceFingerprint();
  if (fs.existsSync(BUILD_STAMP) && fs.existsSync(path.join(LAB_DIR, "build", "bundle.js"))) {
    const stamp = JSON.parse(fs.readFileSync(BUILD_STAMP, "utf8")) as { fingerprint?: string };
    if (stamp.fingerprint === fingerprint) return;
  }
  // node_modules is (re)installed when it was not installed by `npm ci` from this very lockfile.
  const lockHash = crypto.createHash("sha256").update(fs.readFileSync(path.join(LAB_DIR, "package-lock.json"))).digest("hex");
  const installedStamp = path.join(LAB_DIR, "node_modules", ".quantization-lesson-lock");
  const installed = fs.existsSync(installedStamp) && fs.readFileSync(installedStamp, "utf8").trim() === lockHash;
  if (!installed) {
    npm(["ci", "--no-audit", "--no-fund"], "JupyterLab test front end: npm ci");
    fs.writeFileSync(installedStamp, lockHash + "\n");
  }
  fs.rmSync(path.join(LAB_DIR, "build"), { recursive: true, force: true });
  npm(["run", "build"], "JupyterLab test front end: build");
  fs.writeFileSync(BUILD_STAMP, JSON.stringify({ fingerprint }) + "\n");
}

/**
 * Starts test/jupyterlab/server.py (Debian's jupyterlab_server + jupyter_server) on 127.0.0.1 with a token, serving
 * `rootDir`; `plotlyRenderer` adds jupyterlab-plotly's renderer of `application/vnd.plotly.v1+json` to the page;
 * `kernel: false` opens notebooks without starting a kernel (for checks of saved outputs).
 */
export async function startJupyterLab(rootDir: string, options: { plotlyRenderer?: boolean; kernel?: boolean } = {}): Promise<JupyterServer> {
  ensureJupyterLab();
  return JupyterServer.start(
    PYTHON,
    (port, token, folders) => [
      path.join(LAB_DIR, "server.py"),
      "--state-dir",
      path.join(folders.tmp, "lab-state"),
      ...(options.plotlyRenderer ? ["--plotly-renderer"] : []),
      ...(options.kernel === false ? ["--no-kernel"] : []),
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${rootDir}`,
      "--ServerApp.open_browser=False",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    "jupyterlab",
  );
}

/**
 * Known console noise of JupyterLab 4 on jupyter_server 1.x (no `/api/me` identity API, no `/api/events` stream):
 * not an error of the notebook.
 */
const LAB_NOISE = [/\/api\/me\b/, /\/api\/events\/subscribe/, /status of 404 \(Not Found\) \(http:\/\/127\.0\.0\.1:\d+\/api\/me/];

/** Page errors other than {@link LAB_NOISE}. */
export function labErrors(log: PageLog): string[] {
  return log.errors.filter((e) => !LAB_NOISE.some((re) => re.test(e)));
}

let workspaces = 0;

/** The application object the page exposes (test/jupyterlab/index.js sets `window.jupyterapp`). */
interface LabWindow {
  jupyterapp: {
    commands: { execute(id: string, args?: unknown): Promise<unknown>; hasCommand(id: string): boolean; label(id: string): string };
    shell: { currentWidget: LabPanel | null };
  };
}
interface LabPanel {
  context: { path: string; isReady: boolean; model: { dirty: boolean } };
  sessionContext: { isReady: boolean; session?: { kernel?: { status: string } | null } | null };
  content: { widgets: Array<{ model: { type: string } }>; activeCellIndex: number };
}

/**
 * Opens `file` (in the server's root) in a new page, in a workspace of its own (nothing else restored), and waits
 * until the notebook is open and, if `kernel`, its kernel idle. Every request outside the server is refused.
 */
export async function openInLab(browser: Browser, server: JupyterServer, file: string, options: { kernel?: boolean } = {}): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const log = new PageLog(page);
  await allowOnly(page, log, (url) => server.owns(url));
  const name = path.basename(file);
  const workspace = `w${process.pid}-${++workspaces}`;
  await page.goto(`${server.base}/lab/workspaces/${workspace}/tree/${encodeURIComponent(name)}?token=${server.token}`, { waitUntil: "load", timeout: 60_000 });
  try {
    await page.waitForFunction(
      ({ name, kernel }) => {
        if (document.body.dataset.tsnbReady !== "true") return false;
        const panel = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
        if (!panel || panel.context?.path !== name || !panel.context.isReady) return false;
        return !kernel || panel.sessionContext.session?.kernel?.status === "idle";
      },
      { name, kernel: options.kernel === true },
      { timeout: 120_000, polling: 250 },
    );
  } catch (e) {
    throw new Error(`JupyterLab did not open ${name}: ${String(e)}\npage errors: ${JSON.stringify(labErrors(log))}\nserver log:\n${server.log()}`);
  }
  return { page, log };
}

/** Runs a JupyterLab command as its menu item or palette entry would. */
export async function labCommand(page: Page, id: string, args?: Record<string, unknown>): Promise<void> {
  await page.evaluate(({ id, args }) => void (window as unknown as LabWindow).jupyterapp.commands.execute(id, args), { id, args });
}

/** Waits until no cell is queued or running (`[*]`) and the kernel is idle (stable for 1 s). */
export async function waitForLabIdle(page: Page, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleSince = 0;
  while (Date.now() < deadline) {
    const idle = await page.evaluate(() => {
      const panel = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
      const running = Array.from(document.querySelectorAll(".jp-Notebook .jp-InputPrompt"), (e) => e.textContent ?? "").some((t) => t.includes("*"));
      return !running && panel?.sessionContext.session?.kernel?.status === "idle";
    });
    if (idle) {
      if (idleSince === 0) idleSince = Date.now();
      if (Date.now() - idleSince >= 1_000) return;
    } else idleSince = 0;
    await sleep(250);
  }
  throw new Error(`the notebook's cells did not finish within ${timeoutMs / 1000} s`);
}

/** Runs cell `index` of the open notebook (and only it), then waits for the kernel. */
export async function runLabCell(page: Page, index: number): Promise<void> {
  await page.evaluate((index) => {
    const app = (window as unknown as LabWindow).jupyterapp;
    const panel = app.shell.currentWidget;
    if (!panel) throw new Error("no notebook open");
    panel.content.activeCellIndex = index;
    void app.commands.execute("notebook:run-cell");
  }, index);
  await waitForLabIdle(page);
}

/** Accepts the dialog JupyterLab shows (e.g. "Restart Kernel?", "Trust this notebook?"), returning its title. */
export async function acceptLabDialog(page: Page): Promise<string> {
  const dialog = page.locator(".jp-Dialog");
  await dialog.waitFor({ timeout: 30_000 });
  const title = (await dialog.locator(".jp-Dialog-header").innerText()).trim();
  await dialog.locator("button.jp-mod-accept").click();
  await dialog.waitFor({ state: "detached", timeout: 30_000 });
  return title;
}

/** Saves the open notebook (File → Save Notebook) and waits until the server has it. */
export async function saveInLab(page: Page): Promise<void> {
  await labCommand(page, "docmanager:save");
  await page.waitForFunction(() => (window as unknown as LabWindow).jupyterapp.shell.currentWidget?.context.model.dirty === false, undefined, { timeout: 60_000 });
}

/** One plotly chart on the page, as plotly.js drew it. */
export interface DrawnPlot {
  title: string;
  /** Trace types of `gd._fullData`. */
  traces: string[];
  /** Whether the SVG has drawn marks: bar/histogram paths, heatmap images, scatter paths. */
  marks: number;
  /** Whether jupyterlab-plotly's renderer (not our HTML) drew it. */
  byRenderer: boolean;
}

/** What the open notebook shows: drawn plots, the notes of undrawn ones, tables, error outputs. */
export interface LabReport {
  plots: DrawnPlot[];
  /** The text of every plot output that is not drawn (our HTML's note and description). */
  notes: string[];
  tables: number;
  /** Error and stderr outputs. */
  errors: string[];
}

export async function readLab(page: Page): Promise<LabReport> {
  return page.evaluate((): LabReport => {
    const nb = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook") ?? document;
    const plots = Array.from(nb.querySelectorAll(".js-plotly-plot"), (gd): DrawnPlot => {
      const full = (gd as unknown as { _fullData?: Array<{ type?: string }> })._fullData ?? [];
      const marks = gd.querySelectorAll(".barlayer .point path, .heatmaplayer image, .imagelayer image, .scatterlayer .js-line, .scatterlayer .point").length;
      return {
        title: (gd.querySelector(".gtitle")?.textContent ?? "").trim(),
        traces: full.map((t) => t.type ?? ""),
        marks,
        byRenderer: gd.closest(".jp-RenderedPlotly") !== null,
      };
    });
    const notes = Array.from(nb.querySelectorAll(".plotly-graph-div"), (d) => d as HTMLElement)
      .filter((d) => !d.classList.contains("js-plotly-plot"))
      // textContent, not innerText: cells out of view (content-visibility) have no rendered text.
      .map((d) => Array.from(d.children, (c) => (c.textContent ?? "").trim()).join("\n"));
    const errors = Array.from(
      nb.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'),
      (e) => (e.textContent ?? "").trim(),
    ).filter((t) => t !== "");
    return { plots, notes, tables: nb.querySelectorAll("table.dataframe").length, errors };
  });
}

/** Waits until `n` plots are drawn in the open notebook (failing with what the page shows). */
export async function waitForLabPlots(page: Page, n: number, log: PageLog, timeoutMs = 60_000): Promise<LabReport> {
  try {
    await page.waitForFunction(
      (n) => {
        const nb = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook") ?? document;
        const drawn = Array.from(nb.querySelectorAll(".js-plotly-plot")).filter((gd) => gd.querySelector(".main-svg") !== null);
        return drawn.length >= n;
      },
      n,
      { timeout: timeoutMs, polling: 250 },
    );
  } catch (e) {
    const report = await readLab(page);
    throw new Error(`${report.plots.length} of ${n} plots drawn within ${timeoutMs / 1000} s: ${JSON.stringify(report, null, 1).slice(0, 3000)}\npage errors: ${JSON.stringify(labErrors(log))}\n${String(e)}`);
  }
  return readLab(page);
}

/** The out/ folder the JupyterLab checks serve (the copies they open are put there). */
export const LAB_ROOT = OUT;
