/**
 * The lib's own source as a cell output: `showSource(quantizePerTensor)` finds the function in `lib/` (the
 * TypeScript files ship beside the compiled `dist/`), reads it from the file when the cell runs, so what the
 * notebook shows is what runs, and displays it highlighted (HTML, by highlight.js, colours inlined so every
 * front end keeps them) and plain (`text/plain`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayBundle } from "./transport";
import { escapeHtml } from "./table";
import { checksFor } from "../numerics/checks";

/** The project's `lib/` folder (this file is compiled to `<root>/dist/lib/display/source.js`). */
const LIB_DIR = path.resolve(__dirname, "..", "..", "..", "lib");
/** Where the compiled lib is, to tell when a source file changed after the build. */
const DIST_LIB_DIR = path.resolve(__dirname, "..");

/** One function's source, as found in `lib/`. */
export interface FunctionSource {
  /** The function's name. */
  readonly name: string;
  /** Its file, relative to the project root (`lib/core/quantize.ts`). */
  readonly file: string;
  /** First and last line (1-based) of the function in that file, doc comment not included. */
  readonly startLine: number;
  readonly endLine: number;
  /** The code, from `export function` to its closing brace. */
  readonly code: string;
  /** True when the `.ts` file is newer than its compiled `.js` (what runs may be older than what is shown). */
  readonly newerThanBuild: boolean;
}

/** A function of the lib, as passed to {@link showSource}: only its `name` is used. */
export type LibFunction = { readonly name: string };

/**
 * Finds the top-level function `fn.name` in the lib's TypeScript files (`lib/core/` first, then the other
 * folders) and returns its code and where it is.
 *
 * @throws Error naming the function when no lib file declares it (or it is anonymous).
 * @example
 * functionSource(quantizePerTensor).file; // "lib/core/quantize.ts"
 */
export function functionSource(fn: LibFunction): FunctionSource {
  const check = checksFor("functionSource");
  if ((typeof fn !== "function" && typeof fn !== "object") || fn === null || typeof fn.name !== "string" || fn.name === "") {
    throw check.typeError("fn", "a named function of the lib (e.g. quantizePerTensor)", fn);
  }
  const name = fn.name;
  for (const file of libFiles()) {
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(`function ${name}`)) continue;
    const found = findFunction(text, name);
    if (found === undefined) continue;
    const compiled = path.join(DIST_LIB_DIR, path.relative(LIB_DIR, file)).replace(/\.ts$/, ".js");
    const newerThanBuild = fs.existsSync(compiled) && fs.statSync(file).mtimeMs > fs.statSync(compiled).mtimeMs;
    return { name, file: path.relative(path.dirname(LIB_DIR), file).split(path.sep).join("/"), ...found, newerThanBuild };
  }
  throw new Error(`functionSource: no file in ${LIB_DIR} declares a top-level function ${name}`);
}

/**
 * The MIME bundle of {@link showSource}: `text/html` (highlighted, one block per function, headed by its file
 * and lines) and `text/plain` (the same, uncoloured).
 *
 * @example
 * sourceBundle(dequantizePerTensor)["text/plain"]; // "// lib/core/quantize.ts, lines 64–72\nexport function …"
 */
export function sourceBundle(...fns: LibFunction[]): { "text/html": string; "text/plain": string } {
  if (fns.length === 0) throw new RangeError("sourceBundle: no function given; expected at least one (e.g. sourceBundle(quantizePerTensor))");
  const sources = fns.map((fn) => functionSource(fn));
  const head = (s: FunctionSource): string =>
    `${s.file}, lines ${s.startLine}–${s.endLine}${s.newerThanBuild ? " (edited after the last build: run `npm run build` and restart the kernel)" : ""}`;
  const plain = sources.map((s) => `// ${head(s)}\n${s.code}`).join("\n\n");
  const html = [
    `<div class="tsnb-source">`,
    ...sources.map(
      (s) =>
        `<div style="font-family: monospace; font-size: 11px; color: #57606a; margin: 6px 0 2px;">${escapeHtml(head(s))}</div>` +
        `<pre style="margin: 0; padding: 8px 10px; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; ` +
        `font-size: 12px; line-height: 1.45; overflow-x: auto; color: #1f2328;"><code>${highlight(s.code)}</code></pre>`,
    ),
    `</div>`,
  ].join("\n");
  return { "text/html": html, "text/plain": plain };
}

/**
 * Shows the source of lib functions as a cell output, read from `lib/` now (see {@link sourceBundle}).
 *
 * @example
 * showSource(quantizePerTensor, dequantizePerTensor); // section 5
 */
export function showSource(...fns: LibFunction[]): void {
  displayBundle(sourceBundle(...fns));
}

/** The lib's `.ts` files, `lib/core/` first, then the other folders in name order. */
function libFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : []));
  const core = path.join(LIB_DIR, "core");
  const all = walk(LIB_DIR);
  return [...all.filter((f) => f.startsWith(core + path.sep)), ...all.filter((f) => !f.startsWith(core + path.sep))];
}

/**
 * The top-level `function name` of a file: its code and lines. The lib is formatted (2-space indents), so a
 * top-level function starts at column 0 (`export function name(` or `function name(`, `<` for a generic one) and
 * ends at the first line after it that is exactly `}`. (Not the TypeScript parser: tslab runs its own copy of
 * TypeScript, so loading the package `typescript` here would put a second compiler in the kernel, ~40 MB.)
 */
function findFunction(text: string, name: string): Pick<FunctionSource, "startLine" | "endLine" | "code"> | undefined {
  const lines = text.split(/\r?\n/);
  const head = new RegExp(`^(export )?(async )?function ${name.replace(/[$]/g, "\\$&")}[(<]`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trimEnd() === "}");
  if (end < 0) return undefined;
  return { startLine: start + 1, endLine: end + 1, code: lines.slice(start, end + 1).join("\n") };
}

interface Highlighter {
  registerLanguage(name: string, language: unknown): void;
  highlight(code: string, options: { language: string }): { value: string };
}
let hljs: Highlighter | undefined;

/** Inline colours for highlight.js' classes (GitHub's light theme), so no stylesheet is needed. */
const COLOURS: Readonly<Record<string, string>> = {
  keyword: "color: #cf222e",
  built_in: "color: #953800",
  type: "color: #953800",
  literal: "color: #0550ae",
  number: "color: #0550ae",
  string: "color: #0a3069",
  regexp: "color: #0a3069",
  subst: "color: #1f2328",
  comment: "color: #6e7781; font-style: italic",
  doctag: "color: #6e7781",
  title: "color: #8250df",
  "title.function": "color: #8250df",
  "title.class": "color: #953800",
  attr: "color: #0550ae",
  property: "color: #0550ae",
  variable: "color: #953800",
  "variable.language": "color: #cf222e",
  meta: "color: #6e7781",
};

/** TypeScript highlighted as HTML with inline styles (highlight.js' `<span class="hljs-…">` turned into colours). */
function highlight(code: string): string {
  if (hljs === undefined) {
    const core = require("highlight.js/lib/core") as Highlighter;
    core.registerLanguage("typescript", require("highlight.js/lib/languages/typescript"));
    hljs = core;
  }
  const html = hljs.highlight(code, { language: "typescript" }).value;
  return html.replace(/<span class="([^"]*)">/g, (_, classes: string) => {
    // "hljs-title function_" → "title.function"; highlight.js marks sub-scopes with a trailing underscore.
    const [first, ...rest] = classes.split(" ");
    const scope = [first.replace(/^hljs-/, ""), ...rest.map((c) => c.replace(/_+$/, ""))].join(".");
    const style = COLOURS[scope] ?? COLOURS[scope.split(".")[0]];
    return style ? `<span style="${style}">` : "<span>";
  });
}
