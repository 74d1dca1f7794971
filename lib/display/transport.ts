/**
 * MIME-bundle transport to the tslab kernel: how a rich output reaches the frontend.
 *
 * Every output goes out as ONE `display_data` message carrying several representations (a MIME bundle),
 * the way IPython's `display(obj, raw=True)` and plotly.py's notebook renderers do, so the frontend picks
 * the richest one it can show. What goes into the bundles is built elsewhere: tables in `./table`
 * (`tableBundle`, `displayTable`), plots in `./plot` (`plotBundle`, `displayPlot`).
 *
 * tslab's public `display.*` functions send one MIME type per message, so bundles are sent through the
 * kernel's own publisher (`lastWriteDisplayData` in `tslab/dist/jupyter.js`), the function those
 * `display.*` calls end in. Outside a kernel, the `text/plain` part is printed instead.
 */

/** A MIME bundle: one representation of the same object per MIME type (values are strings or JSON). */
export type MimeBundle = Readonly<Record<string, unknown>>;

/** The content of a Jupyter `display_data` message. */
export interface DisplayData {
  readonly data: MimeBundle;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient?: { readonly display_id?: string };
}

/** Sends one `display_data` (or `update_display_data` when `update`) message to the frontend. */
export type DisplayPublisher = (content: DisplayData, update: boolean) => void;

let publisherOverride: DisplayPublisher | undefined;

/**
 * Replaces the function rich outputs are sent through (tests, other kernels); `undefined` restores the
 * default (the tslab kernel's publisher, or printing `text/plain` outside a kernel).
 *
 * @example
 * const sent: DisplayData[] = [];
 * setDisplayPublisher((content) => sent.push(content));
 * displayTable(df);               // (./table) sent[0].data has "text/html" and "text/plain"
 * setDisplayPublisher(undefined);
 */
export function setDisplayPublisher(publisher: DisplayPublisher | undefined): void {
  publisherOverride = publisher;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/**
 * The running tslab kernel's publisher, if this process is one. tslab keeps the `display_data` writer of
 * the cell being executed in `exports.lastWriteDisplayData` of its `dist/jupyter.js` (reassigned on every
 * execute request, so it is looked up on every call). It is searched for in the module cache rather than
 * `require`d, so it is the kernel's own copy even when tslab is installed globally, and nothing is loaded
 * outside a kernel.
 */
function tslabPublisher(): DisplayPublisher | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const exported: unknown = mod.exports;
    if (isRecord(exported) && typeof exported.lastWriteDisplayData === "function") {
      const write = exported.lastWriteDisplayData as (content: DisplayData, update: boolean) => void;
      return (content, update) => write(content, update);
    }
  }
  return undefined;
}

/**
 * Sends `bundle` as ONE `display_data` message (all its MIME types together). In a tslab kernel it goes
 * through the kernel's publisher; elsewhere (plain `node`) its `text/plain` part is printed.
 *
 * @example
 * displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" });
 */
export function displayBundle(bundle: MimeBundle, metadata: Readonly<Record<string, unknown>> = {}): void {
  const publish = publisherOverride ?? tslabPublisher();
  if (publish) {
    publish({ data: bundle, metadata, transient: {} }, false);
    return;
  }
  const text = bundle["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(bundle, null, 2));
}
