/**
 * A student's "Run All" through JupyterHub's API, for test/e2e/hub.test.ts: opens a session on the notebook
 * (REST), sends every code cell on the kernel's websocket at once (as the Notebook's Run All does), collects the
 * outputs, and saves the notebook with them (REST). Prints one JSON {@link RunAllResult} line.
 *
 * Runs in its own `node --experimental-websocket` process (Node 20's WHATWG WebSocket is behind that flag):
 *   node --experimental-websocket hub-client.js '<json RunAllRequest>'
 * Without an argument it does nothing (the test runner loads every file under dist/test/).
 */
import { randomUUID } from "node:crypto";

/** What to run. */
export interface RunAllRequest {
  /** The hub's public URL, e.g. `http://127.0.0.1:8000`. */
  readonly hub: string;
  readonly user: string;
  /** A token with `access:servers` for `user`. */
  readonly token: string;
  /** The notebook, relative to the user's server root. */
  readonly path: string;
  readonly kernel: string;
  readonly timeoutMs: number;
}

/** A Jupyter output, as saved in a notebook. */
export type SavedOutput = Record<string, unknown> & { output_type: string };

/** What happened. */
export interface RunAllResult {
  readonly kernelId: string;
  /** `execute_reply` status of each code cell, in order. */
  readonly statuses: string[];
  readonly seconds: number;
}

interface JupyterMessage {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  channel: string;
}

interface NotebookModel {
  content: { cells: Array<{ cell_type: string; source: string | string[]; outputs?: SavedOutput[]; execution_count?: number | null }> };
}

async function api<T>(req: RunAllRequest, method: string, rel: string, body?: unknown): Promise<T> {
  const url = `${req.hub}/user/${encodeURIComponent(req.user)}/api/${rel}`;
  const res = await fetch(url, {
    method,
    headers: { Authorization: `token ${req.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** The output a message adds to its cell, if any (the notebook format's fields). */
function toOutput(msg: JupyterMessage): SavedOutput | undefined {
  const c = msg.content;
  switch (msg.header.msg_type) {
    case "stream": return { output_type: "stream", name: c.name, text: c.text };
    case "display_data": return { output_type: "display_data", data: c.data, metadata: c.metadata ?? {} };
    case "execute_result": return { output_type: "execute_result", data: c.data, metadata: c.metadata ?? {}, execution_count: c.execution_count };
    case "error": return { output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    default: return undefined;
  }
}

export async function runAll(req: RunAllRequest): Promise<RunAllResult> {
  const t0 = Date.now();
  const model = await api<NotebookModel>(req, "GET", `contents/${req.path}?content=1`);
  const session = await api<{ kernel: { id: string } }>(req, "POST", "sessions", { path: req.path, type: "notebook", name: "", kernel: { name: req.kernel } });
  const kernelId = session.kernel.id;
  const cells = model.content.cells.filter((c) => c.cell_type === "code");
  const wsUrl = `${req.hub.replace(/^http/, "ws")}/user/${encodeURIComponent(req.user)}/api/kernels/${kernelId}/channels?token=${encodeURIComponent(req.token)}`;
  const ws = new WebSocket(wsUrl);
  const sessionId = randomUUID();
  const byMsgId = new Map<string, number>();
  const statuses: string[] = cells.map(() => "pending");
  const idle = new Set<number>();
  await new Promise<void>((resolveRun, rejectRun) => {
    const timer = setTimeout(() => reject(new Error(`Run All did not finish in ${req.timeoutMs} ms (statuses: ${statuses.join(", ")})`)), req.timeoutMs);
    const resolve = (): void => {
      clearTimeout(timer);
      resolveRun();
    };
    const reject = (err: Error): void => {
      clearTimeout(timer);
      rejectRun(err);
    };
    ws.addEventListener("error", () => reject(new Error(`websocket ${wsUrl.replace(/token=[^&]+/, "token=…")} failed`)));
    // Before every reply: the kernel died or was shut down (rejecting after resolve() does nothing).
    ws.addEventListener("close", (ev: CloseEvent) => reject(new Error(`the kernel's websocket closed (code ${ev.code}) with statuses: ${statuses.join(", ")}`)));
    ws.addEventListener("open", () => {
      cells.forEach((cell, i) => {
        cell.outputs = [];
        const msgId = randomUUID();
        byMsgId.set(msgId, i);
        const code = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
        ws.send(JSON.stringify({
          header: { msg_id: msgId, msg_type: "execute_request", session: sessionId, username: req.user, version: "5.3", date: new Date().toISOString() },
          parent_header: {}, metadata: {}, channel: "shell", buffers: [],
          content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        }));
      });
    });
    ws.addEventListener("message", (ev: MessageEvent) => {
      if (typeof ev.data !== "string") return;
      const msg = JSON.parse(ev.data) as JupyterMessage;
      const i = byMsgId.get(msg.parent_header.msg_id ?? "");
      if (i === undefined) return;
      if (msg.channel === "shell" && msg.header.msg_type === "execute_reply") {
        statuses[i] = String(msg.content.status);
        if (typeof msg.content.execution_count === "number") cells[i].execution_count = msg.content.execution_count;
      } else if (msg.channel === "iopub") {
        if (msg.header.msg_type === "status" && msg.content.execution_state === "idle") idle.add(i);
        const out = toOutput(msg);
        if (out) cells[i].outputs?.push(out);
      }
      // Done when every cell has its reply, and its "idle" unless it was aborted (outputs can come after the reply).
      if (statuses.every((s, k) => s !== "pending" && (s === "aborted" || s === "abort" || idle.has(k)))) {
        resolve();
      }
    });
  });
  ws.close();
  await api(req, "PUT", `contents/${req.path}`, { type: "notebook", format: "json", content: model.content });
  return { kernelId, statuses, seconds: (Date.now() - t0) / 1000 };
}

if (require.main === module && process.argv[2] !== undefined) {
  runAll(JSON.parse(process.argv[2]) as RunAllRequest).then(
    (result) => console.log(JSON.stringify(result)),
    (err: Error) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
