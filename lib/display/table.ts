/**
 * Tables: danfo.js `DataFrame`s shown the way pandas shows them, as one MIME bundle per output.
 *
 * A table is displayed as `text/html` (a pandas-style `<table class="dataframe">`, as
 * `DataFrame._repr_html_()`) and `text/plain` (an aligned text table, as `repr(df)`), with numbers
 * formatted per column and big tables cut with `...` (pandas' display options). The bundle is sent with
 * `displayBundle` of `./display`.
 */
import { displayBundle } from "./transport";

/** What a table is displayed as. */
export type TableBundle = {
  readonly "text/html": string;
  readonly "text/plain": string;
};

/** A table cell value as danfo.js stores it. */
export type CellValue = string | number | boolean | null | undefined;

/**
 * What a table needs from a danfo.js `DataFrame` (any `DataFrame` is one): column names, index labels
 * and the values, row by row (`values` is `[rows][cols]`).
 */
export interface TableLike {
  readonly columns: readonly string[];
  readonly index: readonly (string | number)[];
  readonly values: readonly unknown[];
}

/** HTML-escapes text for element content and attribute values (`& < > " '`). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Decimal places shown at most for a float, as pandas' `display.precision` (6). */
const MAX_DECIMALS = 6;

/** How many decimals `x` needs once rounded to `MAX_DECIMALS` places (0 for integers). */
function decimalsNeeded(x: number): number {
  const s = String(Number(x.toFixed(MAX_DECIMALS)));
  const dot = s.indexOf(".");
  return dot < 0 || s.includes("e") ? 0 : s.length - dot - 1;
}

function useScientific(x: number): boolean {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e16 || a < 1e-4);
}

/**
 * Formats one column like pandas: integers as integers; floats with one number of decimals for the whole
 * column (the fewest that show every value to 6 places), so the decimal points line up; scientific
 * notation when some value is tiny or huge; `NaN` for missing numbers; strings as they are.
 */
function formatColumn(values: readonly CellValue[]): string[] {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const allIntegers = finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e16);
  const scientific = !allIntegers && finite.some(useScientific);
  const decimals = allIntegers || scientific ? 0 : Math.max(1, ...finite.map(decimalsNeeded));
  return values.map((v) => {
    if (v === null || v === undefined) return "NaN";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "string") return v;
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (allIntegers) return String(v);
    if (scientific) return v.toExponential(MAX_DECIMALS - 2);
    return v.toFixed(decimals);
  });
}

function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return v;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
}

/** Options of the table functions: how much of a big table is shown (as pandas' display options). */
export interface TableOptions {
  /** More rows than this and only the first and last 5 are shown, `...` between. Default 60. */
  readonly maxRows?: number;
  /** More columns than this and only the first and last `maxColumns / 2` are shown. Default 20. */
  readonly maxColumns?: number;
}

/** The table as formatted strings: `columns`, `index` and `cells[row][col]`, `...` where cut. */
interface FormattedTable {
  readonly columns: string[];
  readonly index: string[];
  readonly cells: string[][];
  /** `"5 rows × 65 columns"` when rows or columns were cut, else `undefined`. */
  readonly dimensions?: string;
}

const ELLIPSIS = "...";

/** Positions to show out of `n`: all, or the first and last halves of `keep` with `-1` (a gap) between. */
function positions(n: number, max: number, keep: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  const head = Math.ceil(keep / 2);
  const tail = Math.floor(keep / 2);
  return [...all.slice(0, head), -1, ...all.slice(n - tail)];
}

function formatTable(df: TableLike, options: TableOptions): FormattedTable {
  const maxRows = options.maxRows ?? 60;
  const maxColumns = options.maxColumns ?? 20;
  const columns = df.columns.map(String);
  const index = df.index.map(String);
  const rows: CellValue[][] = df.values.map((row) =>
    Array.isArray(row) ? row.map(toCell) : [toCell(row)],
  );
  if (rows.length !== index.length) {
    throw new RangeError(`table: ${rows.length} rows of values but ${index.length} index labels`);
  }
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`table: a row has ${row.length} values but there are ${columns.length} columns`);
    }
  }
  const rowAt = positions(rows.length, maxRows, Math.min(10, maxRows));
  const colAt = positions(columns.length, maxColumns, maxColumns);
  const shownRows = rowAt.filter((i) => i >= 0);
  const byColumn = new Map<number, string[]>();
  for (const j of colAt) if (j >= 0) byColumn.set(j, formatColumn(shownRows.map((i) => rows[i][j])));
  const cells = rowAt.map((i) =>
    colAt.map((j) => (i < 0 || j < 0 ? ELLIPSIS : (byColumn.get(j) ?? [])[shownRows.indexOf(i)])),
  );
  const cut = rowAt.includes(-1) || colAt.includes(-1);
  return {
    columns: colAt.map((j) => (j < 0 ? ELLIPSIS : columns[j])),
    index: rowAt.map((i) => (i < 0 ? ELLIPSIS : index[i])),
    cells,
    dimensions: cut ? `${rows.length} rows × ${columns.length} columns` : undefined,
  };
}

/**
 * The table as pandas' `DataFrame._repr_html_()` writes it: a `<table class="dataframe">` with a header
 * row, the index as the first column (`<th>`), numbers formatted per column (see {@link dataFrameToText}),
 * every label and value HTML-escaped, and big tables cut with `...` (see {@link TableOptions}).
 *
 * @example
 * const df = new DataFrame({ acc: [0.96, 0.9578] }, { index: ["FP32", "INT8"] });
 * dataFrameToHtml(df);
 * // <div><style scoped>…</style><table border="1" class="dataframe"><thead>…<th>acc</th>…
 * //   <tr><th>FP32</th><td>0.9600</td></tr><tr><th>INT8</th><td>0.9578</td></tr>…</table></div>
 */
export function dataFrameToHtml(df: TableLike, options: TableOptions = {}): string {
  const t = formatTable(df, options);
  const out: string[] = [
    "<div>",
    "<style scoped>",
    "    .dataframe tbody tr th:only-of-type { vertical-align: middle; }",
    "    .dataframe tbody tr th { vertical-align: top; }",
    "    .dataframe thead th { text-align: right; }",
    "    .dataframe td { text-align: right; font-variant-numeric: tabular-nums; }",
    "</style>",
    '<table border="1" class="dataframe">',
    "  <thead>",
    '    <tr style="text-align: right;">',
    "      <th></th>",
    ...t.columns.map((c) => `      <th>${escapeHtml(c)}</th>`),
    "    </tr>",
    "  </thead>",
    "  <tbody>",
  ];
  t.index.forEach((label, i) => {
    out.push("    <tr>", `      <th>${escapeHtml(label)}</th>`);
    for (const cell of t.cells[i]) out.push(`      <td>${escapeHtml(cell)}</td>`);
    out.push("    </tr>");
  });
  out.push("  </tbody>", "</table>");
  if (t.dimensions) out.push(`<p>${escapeHtml(t.dimensions)}</p>`);
  out.push("</div>");
  return out.join("\n");
}

/**
 * The table as plain text, like pandas' `repr(df)`: the index on the left, columns right-aligned, numbers
 * formatted per column (integers as integers; floats with the same decimals down a column, the fewest that
 * show every value to 6 places; scientific notation for tiny or huge values), big tables cut with `...`.
 *
 * @example
 * dataFrameToText(new DataFrame({ acc: [0.96, 0.9578], KB: [2.54, 0.66] }, { index: ["FP32", "INT8"] }));
 * //          acc    KB
 * // FP32  0.9600  2.54
 * // INT8  0.9578  0.66
 */
export function dataFrameToText(df: TableLike, options: TableOptions = {}): string {
  const t = formatTable(df, options);
  const indexWidth = Math.max(0, ...t.index.map((s) => s.length));
  const widths = t.columns.map((c, j) => Math.max(c.length, ...t.cells.map((r) => r[j].length)));
  const line = (first: string, cells: readonly string[]): string =>
    [first.padEnd(indexWidth), ...cells.map((c, j) => c.padStart(widths[j]))].join("  ").trimEnd();
  const lines = [line("", t.columns), ...t.index.map((label, i) => line(label, t.cells[i]))];
  if (t.dimensions) lines.push("", `[${t.dimensions}]`);
  return lines.join("\n");
}

/**
 * The table's MIME bundle: `text/html` ({@link dataFrameToHtml}) and `text/plain` ({@link dataFrameToText}).
 *
 * @example
 * const bundle = tableBundle(summary);
 * Object.keys(bundle); // ["text/html", "text/plain"]
 */
export function tableBundle(df: TableLike, options: TableOptions = {}): TableBundle {
  return { "text/html": dataFrameToHtml(df, options), "text/plain": dataFrameToText(df, options) };
}

/**
 * Shows a DataFrame as a cell output: one display message with an HTML table (for Notebook, Lab, VS Code
 * and the HTML export) and a text table (for consoles and `jupyter nbconvert --to script/markdown`).
 *
 * @example
 * import { DataFrame } from "danfojs-node";
 * displayTable(new DataFrame({ acc: [0.96, 0.96], KB: [2.54, 0.66] }, { index: ["FP32", "INT8"] }));
 */
export function displayTable(df: TableLike, options: TableOptions = {}): void {
  displayBundle(tableBundle(df, options));
}
