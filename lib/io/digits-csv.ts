/**
 * The digits CSV parser behind `loadDigits` (lib/core/data.ts): lines of 64 pixels 0..16 and a label 0..9, read
 * as `np.loadtxt(delimiter=",")` reads them ("16.0" and "1e1" are whole numbers, blank lines at the end are
 * harmless), fed bytes chunk by chunk so a file larger than a JavaScript string can be parsed.
 */
import { matrix, type Matrix } from "../core/matrix";

const N_PIXELS = 64;
const MAX_PIXEL = 16;
const N_LABELS = 10;
// A decimal number as np.loadtxt reads it ("7", "16.0", "1e1"); whether it is a whole number is checked after.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A digits line is 65 short numbers (about 150 bytes); a longer line than this is not one. */
const MAX_LINE_BYTES = 64 * 1024;
const ROWS_PER_BLOCK = 4096;

/**
 * The CSV parser, fed bytes as they are read: complete lines are parsed at once, a partial line waits for the next
 * chunk. One- and two-digit fields (all of the shipped file) are read from their bytes; anything else goes through
 * the general check, so the result and every error message are those of parsing the whole text at once.
 */
export class DigitsCsvParser {
  private readonly blocksX: Float32Array[] = [];
  private readonly blocksY: Int32Array[] = [];
  private x = new Float32Array(ROWS_PER_BLOCK * N_PIXELS);
  private y = new Int32Array(ROWS_PER_BLOCK);
  private inBlock = 0;
  private rows = 0;
  private line = 0;
  /** The first blank line not yet followed by a row (blank lines at the end are harmless, as for np.loadtxt). */
  private pendingBlank = 0;
  private partial: Buffer | undefined;
  private readonly commas = new Int32Array(N_PIXELS + 2);

  constructor(private readonly source: string) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      if (this.partial !== undefined) {
        const whole = Buffer.concat([this.partial, chunk.subarray(start, nl)]);
        this.partial = undefined;
        this.parseLine(whole, 0, whole.length);
      } else {
        this.parseLine(chunk, start, nl);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.partial = this.partial === undefined ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
      if (this.partial.length > MAX_LINE_BYTES) this.tooLong(this.line + 1);
    }
  }

  end(): { X: Matrix<Float32Array>; y: Int32Array } {
    if (this.partial !== undefined) {
      const last = this.partial;
      this.partial = undefined;
      this.parseLine(last, 0, last.length);
    }
    if (this.rows === 0) {
      throw new Error(`loadDigits: ${this.source} is empty; expected lines of 64 pixels (0..${MAX_PIXEL}) and a label (0..9)`);
    }
    const n = this.rows;
    const X = new Float32Array(n * N_PIXELS);
    const y = new Int32Array(n);
    let row = 0;
    for (let b = 0; b < this.blocksX.length; b++, row += ROWS_PER_BLOCK) {
      X.set(this.blocksX[b], row * N_PIXELS);
      y.set(this.blocksY[b], row);
    }
    X.set(this.x.subarray(0, this.inBlock * N_PIXELS), row * N_PIXELS);
    y.set(this.y.subarray(0, this.inBlock), row);
    return { X: matrix(X, n, N_PIXELS), y };
  }

  private tooLong(line: number): never {
    throw new Error(
      `loadDigits: ${this.source}, line ${line}: longer than ${MAX_LINE_BYTES} bytes; expected ${N_PIXELS + 1} ` +
        "comma-separated values (64 pixels and a label) a line (is this a digits CSV?)",
    );
  }

  private parseLine(buf: Buffer, start: number, end: number): void {
    const line = ++this.line;
    if (end > start && buf[end - 1] === 0x0d) end--; // \r\n
    if (end - start > MAX_LINE_BYTES) this.tooLong(line);
    if (isBlank(buf, start, end)) {
      if (this.pendingBlank === 0) this.pendingBlank = line;
      return;
    }
    if (this.pendingBlank !== 0) {
      throw new Error(
        `loadDigits: ${this.source}, line ${this.pendingBlank}: expected ${N_PIXELS + 1} comma-separated values ` +
          "(64 pixels and a label), found an empty line",
      );
    }
    const where = `${this.source}, line ${line}`;
    // Field j is buf[commas[j] + 1 .. commas[j + 1]).
    const commas = this.commas;
    let nFields = 1;
    commas[0] = start - 1;
    for (let i = buf.indexOf(0x2c, start); i >= 0 && i < end; i = buf.indexOf(0x2c, i + 1)) {
      if (nFields <= N_PIXELS) commas[nFields] = i;
      nFields++;
    }
    if (nFields !== N_PIXELS + 1) {
      throw new Error(
        `loadDigits: ${where}: expected ${N_PIXELS + 1} comma-separated values (64 pixels and a label), found ${nFields}`,
      );
    }
    commas[N_PIXELS + 1] = end;
    if (this.inBlock === ROWS_PER_BLOCK) {
      this.blocksX.push(this.x);
      this.blocksY.push(this.y);
      this.x = new Float32Array(ROWS_PER_BLOCK * N_PIXELS);
      this.y = new Int32Array(ROWS_PER_BLOCK);
      this.inBlock = 0;
    }
    const base = this.inBlock * N_PIXELS;
    for (let j = 0; j <= N_PIXELS; j++) {
      const v = fieldValue(buf, commas[j] + 1, commas[j + 1], where, j);
      if (j < N_PIXELS) {
        if (v < 0 || v > MAX_PIXEL) throw new Error(`loadDigits: ${where}: pixel ${j + 1} is ${v}, expected 0..${MAX_PIXEL}`);
        this.x[base + j] = v;
      } else {
        if (v < 0 || v >= N_LABELS) throw new Error(`loadDigits: ${where}: the label (column 65) is ${v}, expected a digit 0..9`);
        this.y[this.inBlock] = v;
      }
    }
    this.inBlock++;
    this.rows++;
  }
}

/** True when buf[start..end) is only whitespace (as `String.prototype.trim` sees it). */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    return c >= 0x80 ? buf.toString("utf8", start, end).trim() === "" : false;
  }
  return true;
}

/** The integer in field `j`, buf[a..b): one or two ASCII digits directly, anything else as np.loadtxt reads it. */
function fieldValue(buf: Buffer, a: number, b: number, where: string, j: number): number {
  if (b - a === 1) {
    const d = buf[a] - 0x30;
    if (d >= 0 && d <= 9) return d;
  } else if (b - a === 2) {
    const d0 = buf[a] - 0x30;
    const d1 = buf[a + 1] - 0x30;
    if (d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9) return d0 * 10 + d1;
  }
  const raw = buf.toString("utf8", a, b);
  const field = raw.trim();
  const v = Number(field);
  if (!NUMBER.test(field) || !Number.isInteger(v)) {
    const what = j < N_PIXELS ? `pixel ${j + 1}` : "the label (column 65)";
    throw new Error(`loadDigits: ${where}: ${what} is ${JSON.stringify(raw)}, expected an integer`);
  }
  return v;
}
