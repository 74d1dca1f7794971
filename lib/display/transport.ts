/**
 * MIME-bundle transport to the tslab kernel: how a rich output reaches the frontend.
 *
 * Every output goes out as ONE `display_data` message carrying several representations (a MIME bundle),
 * the way IPython's `display(obj, raw=True)` and plotly.py's notebook renderers do, so the frontend picks
 * the richest one it can show. What goes into the bundles is built elsewhere: tables in `./table`
 * (`tableBundle`, `displayTable`), plots in `./plot` (`plotBundle`, `displayPlot`).
 *
 * tslab's public `display.*` functions send one MIME type per message, so bundles go through the kernel's
 * own publisher instead. The project's kernel launcher (`scripts/tslab-kernel.ts`) hands it over under a
 * well-known symbol, {@link KERNEL_DISPLAY_KEY}; outside that kernel, the `text/plain` part is printed.
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
 * Replaces the function rich outputs are sent through (tests); `undefined` restores the default (the
 * kernel's registered publisher, or printing `text/plain` outside a kernel).
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

/**
 * The global symbol under which a kernel registers its {@link KernelDisplay}:
 * `globalThis[Symbol.for("quantization-lesson.display")]`. `Symbol.for`, so every copy of this module agrees
 * on it (a second checkout's lib, say).
 */
export const KERNEL_DISPLAY_KEY = Symbol.for("quantization-lesson.display");

/** What a kernel registers under {@link KERNEL_DISPLAY_KEY}. */
export interface KernelDisplay {
  /** Which kernel, for messages: `"tslab"`. */
  readonly kernel: string;
  /** Sends one `display_data` (or `update_display_data`) message for the cell being executed. */
  readonly publish: DisplayPublisher;
}

/** `globalThis`, seen with the registration slot. */
const kernelGlobal = globalThis as typeof globalThis & { [KERNEL_DISPLAY_KEY]?: KernelDisplay };

/**
 * Registers `display` as the running kernel's publisher (the launcher does this before the first cell), or
 * removes it with `undefined`.
 *
 * @example
 * registerKernelDisplay({ kernel: "tslab", publish: (content, update) => writeDisplayData(content, update) });
 */
export function registerKernelDisplay(display: KernelDisplay | undefined): void {
  kernelGlobal[KERNEL_DISPLAY_KEY] = display;
}

/** The publisher the running kernel registered, if this process is one. */
function kernelPublisher(): DisplayPublisher | undefined {
  // Checked, not trusted: anything may sit on globalThis.
  const registered: unknown = kernelGlobal[KERNEL_DISPLAY_KEY];
  if (typeof registered !== "object" || registered === null) return undefined;
  const publish: unknown = (registered as { publish?: unknown }).publish;
  return typeof publish === "function" ? (publish as DisplayPublisher) : undefined;
}

/**
 * Sends `bundle` as ONE `display_data` message (all its MIME types together). In a tslab kernel it goes
 * through the kernel's publisher; elsewhere (plain `node`) its `text/plain` part is printed.
 *
 * @example
 * displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" });
 */
export function displayBundle(bundle: MimeBundle, metadata: Readonly<Record<string, unknown>> = {}): void {
  const publish = publisherOverride ?? kernelPublisher();
  if (publish) {
    publish({ data: bundle, metadata, transient: {} }, false);
    return;
  }
  const text = bundle["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(bundle, null, 2));
}
