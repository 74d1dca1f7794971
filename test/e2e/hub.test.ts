/**
 * A course on JupyterHub (issue 12): Debian's JupyterHub 3.0 on 127.0.0.1 (DummyAuthenticator,
 * SimpleLocalProcessSpawner), the kernel installed ONCE for everyone (a prefix install the hub's servers find on
 * JUPYTER_PATH), the notebook copied into each student's home, and two students running all cells at the same
 * time through the hub's API (REST + the kernel's websocket, ./hub-client). Stops everything it started.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { registerKernelAt } from "../../scripts/kernel-install";
import { freePort } from "../helpers/browser";
import { ROOT } from "../helpers/paths";
import { displayCounts, joined, problems, type NotebookFile } from "../scripts/notebook-runs";
import type { RunAllResult } from "./hub-client";

const NOTEBOOK = path.join(ROOT, "notebooks", "quantization.ipynb");
const STUDENTS = ["ada", "alan"];
const onPath = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const missing = ["jupyterhub", "jupyterhub-singleuser", "configurable-http-proxy"].filter((c) => !onPath(c));
const skip = missing.length > 0 ? `not installed: ${missing.join(", ")} (Debian: apt-get install jupyterhub; .ci/run does)` : false;

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "hub-test-")));
const prefix = path.join(base, "prefix");
const token = randomBytes(24).toString("hex");
// Longer than a kernel takes to start on a busy machine: a kernel still starting has no connection yet, and the
// culler would take it (a lesson for admins too: keep cull_idle_timeout far above the kernel's start-up time).
const CULL_SECONDS = 20;
let hub: ChildProcess | undefined;
let hubUrl = "";


async function hubApi<T>(method: string, rel: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hubUrl}/hub/api/${rel}`, {
    method,
    headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ""}\n${hubLog()}`);
}

const hubLog = (): string => {
  const file = path.join(base, "hub.log");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(-40).join("\n") : "";
};

/** Processes whose working folder is inside the test's folder: the hub, its proxy, the servers, the kernels. */
function ours(): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === base || cwd.startsWith(base + "/")) {
        found.push({ pid, cmd: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").slice(0, 160) });
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Memory (MB) of the tslab kernel whose connection file names `kernelId`: resident, and its proportional share. */
function kernelMemoryMb(kernelId: string): { rss: number; pss: number } | undefined {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!cmd.includes("tslab-kernel.js") || !cmd.includes(`kernel-${kernelId}.json`)) continue;
      // smaps_rollup: Rss counts pages shared with the other kernels (node, ONNX Runtime's library) in full, Pss shares them out.
      const rollup = fs.readFileSync(`/proc/${entry}/smaps_rollup`, "utf8");
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? NaN);
      return { rss: kb("Rss") / 1024, pss: kb("Pss") / 1024 };
    } catch {
      // gone
    }
  }
  return undefined;
}

const duBytes = (dir: string): number => Number(spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0]);

before(async () => {
  if (skip) return;
  registerKernelAt(ROOT, { kind: "prefix", prefix }); // once, for every student
  for (const user of STUDENTS) {
    fs.mkdirSync(path.join(base, "home", user), { recursive: true });
    fs.copyFileSync(NOTEBOOK, path.join(base, "home", user, "quantization.ipynb"));
  }
  const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  hubUrl = `http://127.0.0.1:${port}`;
  const py = (v: unknown): string => JSON.stringify(v); // JSON literals are Python literals here
  fs.writeFileSync(path.join(base, "jupyterhub_config.py"), [
    "c = get_config()  # noqa",
    `c.JupyterHub.ip = "127.0.0.1"`,
    `c.JupyterHub.port = ${port}`,
    `c.JupyterHub.hub_ip = "127.0.0.1"`,
    `c.JupyterHub.hub_port = ${hubPort}`,
    `c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${apiPort}"`,
    // Debian's configurable-http-proxy finds its modules only with NODE_PATH=/usr/share/nodejs under a non-Debian node.
    `c.ConfigurableHTTPProxy.command = ["env", "NODE_PATH=/usr/share/nodejs", "configurable-http-proxy"]`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(path.join(base, "proxy.pid"))}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${path.join(base, "jupyterhub.sqlite")}`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(path.join(base, "cookie_secret"))}`,
    `c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"`,
    `c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"`,
    `c.SimpleLocalProcessSpawner.home_dir_template = ${py(path.join(base, "home", "{username}"))}`,
    `c.Spawner.ip = "127.0.0.1"`,
    // Idle culling as README advises (short here): a kernel nobody is connected to goes after CULL_SECONDS idle.
    `c.Spawner.args = ["--MappingKernelManager.cull_idle_timeout=${CULL_SECONDS}", "--MappingKernelManager.cull_interval=2"]` +
      ` + (["--allow-root"] if __import__("os").getuid() == 0 else [])`,
    `c.Spawner.start_timeout = 120`,
    `c.Spawner.http_timeout = 120`,
    // The shared install: the hub's servers find the kernel there (with --sys-prefix nothing would be needed).
    // The classic Notebook as the single-user app, so students have the /tree page (Debian picks jupyter_server's).
    `c.Spawner.environment = ${py({ JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTERHUB_SINGLEUSER_APP: "notebook.notebookapp.NotebookApp" })}`,
    `c.JupyterHub.services = [{"name": "course-test", "api_token": ${py(token)}}]`,
    `c.JupyterHub.load_roles = [{"name": "course-test", "scopes": ["admin:users", "admin:servers", "access:servers"], "services": ["course-test"]}]`,
    `c.JupyterHub.cleanup_servers = True`,
    "",
  ].join("\n"));
  const log = fs.openSync(path.join(base, "hub.log"), "w");
  hub = spawn("jupyterhub", ["-f", path.join(base, "jupyterhub_config.py")], { cwd: base, stdio: ["ignore", log, log], env: { ...process.env, NODE_PATH: "" } });
  fs.closeSync(log);
  await until("the hub answers", 60_000, async () => ((await hubApi("GET", "")).status === 200 ? true : undefined));
});

after(async () => {
  if (skip || !hub) {
    fs.rmSync(base, { recursive: true, force: true });
    return;
  }
  for (const user of STUDENTS) await hubApi("DELETE", `users/${user}/server`).catch(() => undefined);
  await until("the students' servers stop", 60_000, async () => {
    const users = await Promise.all(STUDENTS.map((u) => hubApi<{ servers?: Record<string, unknown> }>("GET", `users/${u}`)));
    return users.every((u) => Object.keys(u.body?.servers ?? {}).length === 0) ? true : undefined;
  }).catch(() => undefined);
  const exited = new Promise<void>((resolve) => (hub?.exitCode !== null ? resolve() : hub.once("exit", () => resolve())));
  hub.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
  const deadline = Date.now() + 15_000;
  while (ours().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const left = ours();
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  assert.deepEqual(left, [], "nothing the hub started is left running");
  fs.rmSync(base, { recursive: true, force: true });
});

test("JupyterHub: two students, one shared kernel install, Run All at the same time: no errors, every output", { skip, timeout: 600_000 }, async (t) => {
  for (const user of STUDENTS) {
    const created = await hubApi("POST", `users/${user}`);
    assert.ok(created.status === 201 || created.status === 409, `create ${user}: HTTP ${created.status}`);
    const started = await hubApi("POST", `users/${user}/server`);
    assert.ok(started.status === 201 || started.status === 202, `start ${user}'s server: HTTP ${started.status}`);
  }
  for (const user of STUDENTS) {
    await until(`${user}'s server is ready`, 120_000, async () => {
      const u = await hubApi<{ servers?: Record<string, { ready?: boolean }> }>("GET", `users/${user}`);
      return u.body?.servers?.[""]?.ready ? true : undefined;
    });
    const tree = await fetch(`${hubUrl}/user/${user}/tree`, { headers: { Authorization: `token ${token}` } });
    assert.equal(tree.status, 200, "the classic Notebook's /tree page");
    await tree.arrayBuffer();
    const specs = (await (await fetch(`${hubUrl}/user/${user}/api/kernelspecs`, { headers: { Authorization: `token ${token}` } })).json()) as {
      kernelspecs: Record<string, { resources: Record<string, string> }>;
    };
    assert.ok(specs.kernelspecs.tslab, `${user}'s server sees the shared "TypeScript" kernel`);
  }

  const codeCells = (JSON.parse(fs.readFileSync(NOTEBOOK, "utf8")) as NotebookFile).cells.filter((c) => c.cell_type === "code").length;
  const client = path.join(ROOT, "dist", "test", "e2e", "hub-client.js");
  const runs = STUDENTS.map((user) => new Promise<RunAllResult>((resolve, reject) => {
    const req = { hub: hubUrl, user, token, path: "quantization.ipynb", kernel: "tslab", timeoutMs: 400_000 };
    const child = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", client, JSON.stringify(req)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as RunAllResult) : reject(new Error(`${user}'s Run All: ${err}\n${hubLog()}`))));
  }).then((result) => ({ ...result, memory: kernelMemoryMb(result.kernelId) }))); // measured at once, before idle culling
  const results = await Promise.all(runs);

  for (const [i, user] of STUDENTS.entries()) {
    const result = results[i];
    assert.equal(result.statuses.length, codeCells, `${user}: a reply for every code cell`);
    assert.deepEqual(result.statuses.filter((s) => s !== "ok"), [], `${user}: every cell replied ok`);
    const saved = JSON.parse(fs.readFileSync(path.join(base, "home", user, "quantization.ipynb"), "utf8")) as NotebookFile;
    assert.deepEqual(problems(saved), [], `${user}: no error and nothing on stderr`);
    for (const c of saved.cells.filter((c) => c.cell_type === "code" && /\bdisplay(Table|Plot)\(/.test(joined(c.source)))) {
      assert.ok((c.outputs ?? []).some((o) => o.output_type === "display_data"), `${user}: the display in «${joined(c.source).split("\n")[0]}» was saved`);
    }
    const counts = displayCounts(saved);
    assert.ok(counts.plotly > 0 && counts.html > 0, `${user}: tables and plots saved (${JSON.stringify(counts)})`);
    const memory = result.memory;
    assert.ok(memory !== undefined, `${user}'s kernel is running after Run All`);
    t.diagnostic(
      `${user}: Run All ${result.seconds.toFixed(1)} s; the kernel after it: ${memory.rss.toFixed(0)} MB resident, ${memory.pss.toFixed(0)} MB its own share (PSS); ` +
        `home ${(duBytes(path.join(base, "home", user)) / 1e6).toFixed(1)} MB`,
    );
  }
  // Idle culling: with the websockets closed, each kernel is shut down after CULL_SECONDS without activity.
  for (const [i, user] of STUDENTS.entries()) {
    await until(`${user}'s idle kernel is culled`, (CULL_SECONDS + 30) * 1000, async () => {
      const res = await fetch(`${hubUrl}/user/${user}/api/kernels`, { headers: { Authorization: `token ${token}` } });
      const kernels = (await res.json()) as Array<{ id: string }>;
      return kernels.some((k) => k.id === results[i].kernelId) ? undefined : true;
    });
    assert.equal(kernelMemoryMb(results[i].kernelId), undefined, `${user}'s kernel process is gone`);
  }
  t.diagnostic(`shared: the checkout ${(duBytes(ROOT) / 1e6).toFixed(0)} MB (node_modules ${(duBytes(path.join(ROOT, "node_modules")) / 1e6).toFixed(0)} MB), kernelspec ${duBytes(prefix)} B`);
});
