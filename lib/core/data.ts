import * as buffer from "node:buffer";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checksFor } from "../numerics/checks";
import { matrix, type Matrix } from "./matrix";

/** The digits as `load_digits(return_X_y=True)` gives them. */
export interface Digits {
  /** Pixels `[nSamples, 64]`, integers 0..16 stored as float32 (1797 rows for the shipped file). */
  readonly X: Matrix<Float32Array>;
  /** Labels `[nSamples]`, 0..9. */
  readonly y: Int32Array;
}

/** Where the project keeps its copy of scikit-learn's `digits.csv.gz` (see `data/README.md`). */
export const DEFAULT_DIGITS_PATH = path.resolve(__dirname, "..", "..", "..", "data", "digits.csv.gz");

/**
 * The most bytes {@link loadDigits} reads by default: 256 MiB, of the file and of its text once decompressed (the
 * shipped file is 57 KB, 270 KB of text). It stops a gzip bomb or a wrong file early; raise it with
 * `loadDigits(path, { maxBytes })`.
 */
export const MAX_DIGITS_BYTES = 256 * 2 ** 20;

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /** The most bytes read from the file and, for a `.gz`, decompressed from it. Default {@link MAX_DIGITS_BYTES}. */
  maxBytes?: number;
}

const N_PIXELS = 64;
const MAX_PIXEL = 16;
const N_LABELS = 10;
// A decimal number as np.loadtxt reads it ("7", "16.0", "1e1"); whether it is a whole number is checked after.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A digits line is 65 short numbers (about 150 bytes); a longer line than this is not one. */
const MAX_LINE_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const ROWS_PER_BLOCK = 4096;

/**
 * Reads the digits data like scikit-learn's `load_digits(return_X_y=True)`: a CSV (optionally gzipped) with no
 * header and 65 integers a line, 64 pixels 0..16 then the label 0..9. Pixels are NOT scaled here; that is a
 * separate, visible step ({@link scalePixels}), as in the original notebook.
 *
 * Checked before anything is parsed: the path is a regular file (a FIFO, a device such as `/dev/zero` or a folder
 * is refused at once instead of read forever), and neither the file nor its decompressed text is larger than
 * `options.maxBytes` (256 MiB by default). A plain CSV is read 1 MiB at a time and parsed as it comes, so a file
 * larger than a JavaScript string can be (≈ 512 MB) loads when the limit is raised.
 * A malformed file throws an error naming the file, the line and what was wrong; nothing partial is returned.
 *
 * @param filePath - the CSV or CSV.gz to read. Default: the project's `data/digits.csv.gz`.
 * @param options - `maxBytes`: see {@link LoadDigitsOptions}.
 * @example
 * const { X, y } = loadDigits(); // X: [1797, 64] 0..16, y: [1797]
 * loadDigits("big.csv.gz", { maxBytes: 2 ** 30 }); // up to 1 GiB of text
 */
export function loadDigits(filePath: string = DEFAULT_DIGITS_PATH, options?: LoadDigitsOptions): Digits {
  const check = checksFor("loadDigits");
  if (typeof filePath !== "string" || filePath === "") throw check.typeError("filePath", "the path of a .csv or .csv.gz file", filePath);
  const maxBytes = check.integer("options.maxBytes", check.options("options", options).maxBytes ?? MAX_DIGITS_BYTES, {
    min: 1,
    max: buffer.constants.MAX_LENGTH,
  });
  const limitNote = (what: string, suggested: number): string =>
    `${what}, more than the ${mib(maxBytes)} loadDigits reads${options?.maxBytes === undefined ? " by default" : " (options.maxBytes)"}; ` +
    `if the file really holds that much data, raise the limit: loadDigits(path, { maxBytes: ${asMiB(suggested)} })`;

  const fd = openRegularFile(filePath);
  try {
    const size = fs.fstatSync(fd).size;
    if (size > maxBytes) {
      throw new RangeError(`loadDigits: ${filePath} ${limitNote(`is ${size >= 2 ** 20 ? `${mib(size)} (${size} bytes)` : mib(size)}`, Math.ceil(size / 2 ** 20) * 2 ** 20)}`);
    }
    const parser = new DigitsCsvParser(filePath);
    const first = readChunk(fd, Math.min(CHUNK_BYTES, Math.max(size, 2)));
    if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      const parts = [first];
      let total = first.length;
      for (let chunk = readChunk(fd, CHUNK_BYTES); chunk.length > 0; chunk = readChunk(fd, CHUNK_BYTES)) {
        total += chunk.length;
        if (total > maxBytes) throw new RangeError(`loadDigits: ${filePath} ${limitNote(`grew to more than ${mib(maxBytes)} while being read`, 2 * maxBytes)}`);
        parts.push(chunk);
      }
      let text: Buffer;
      try {
        text = zlib.gunzipSync(Buffer.concat(parts, total), { maxOutputLength: maxBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
          throw new RangeError(
            `loadDigits: ${filePath} ${limitNote(`decompresses to more than ${mib(maxBytes)} (the file itself is ${mib(total)})`, 2 * maxBytes)}`,
          );
        }
        throw new Error(`loadDigits: ${filePath} looks gzipped but cannot be decompressed: ${(err as Error).message}`);
      }
      parser.push(text);
    } else {
      let total = first.length;
      parser.push(first);
      for (let chunk = readChunk(fd, CHUNK_BYTES); chunk.length > 0; chunk = readChunk(fd, CHUNK_BYTES)) {
        total += chunk.length;
        if (total > maxBytes) throw new RangeError(`loadDigits: ${filePath} ${limitNote(`grew to more than ${mib(maxBytes)} while being read`, 2 * maxBytes)}`);
        parser.push(chunk);
      }
    }
    return parser.end();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Parses the text of a digits CSV (see {@link loadDigits}); `source` names it in error messages.
 *
 * @example
 * parseDigitsCsv("0,".repeat(64) + "7\n").y; // Int32Array [7]
 */
export function parseDigitsCsv(text: string, source = "<text>"): Digits {
  if (typeof text !== "string") throw checksFor("parseDigitsCsv").typeError("text", "a string", text);
  const parser = new DigitsCsvParser(source);
  parser.push(Buffer.from(text, "utf8"));
  return parser.end();
}

/** Opens `filePath` for reading if it is a regular file; otherwise says what it is, without waiting on it. */
function openRegularFile(filePath: string): number {
  const fail = (why: string): Error => new Error(`loadDigits: cannot read ${filePath}: ${why}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (err) {
    throw fail(errnoText(err));
  }
  if (!stat.isFile()) throw fail(`it is ${kindOf(stat)}, not a regular file; expected a .csv or .csv.gz file`);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it does not wait for a writer.
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw fail(errnoText(err));
  }
  const opened = fs.fstatSync(fd);
  if (!opened.isFile()) {
    fs.closeSync(fd);
    throw fail(`it is ${kindOf(opened)}, not a regular file; expected a .csv or .csv.gz file`);
  }
  return fd;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device (such as /dev/zero)";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a part of the path is not a folder";
  return String(err);
}

function readChunk(fd: number, bytes: number): Buffer {
  const buf = Buffer.allocUnsafe(bytes);
  const n = fs.readSync(fd, buf, 0, bytes, null);
  return n === bytes ? buf : buf.subarray(0, n);
}

/** A byte count as code: `512 * 2 ** 20` when it is whole MiB. */
function asMiB(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} * 2 ** 20` : String(bytes);
}

function mib(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB` : `${bytes} bytes`;
}

/**
 * The CSV parser, fed bytes as they are read: complete lines are parsed at once, a partial line waits for the next
 * chunk. One- and two-digit fields (all of the shipped file) are read from their bytes; anything else goes through
 * the general check, so the result and every error message are those of parsing the whole text at once.
 */
class DigitsCsvParser {
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

  end(): Digits {
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

/**
 * Scales pixels 0..16 to 0..1, as the original's `X.astype(np.float32) / 16.0` (float32 division; exact, since
 * 16 is a power of two).
 *
 * @example
 * scalePixels(loadDigits().X); // [1797, 64] in 0..1
 */
export function scalePixels(X: Matrix<Float32Array>, maxValue = MAX_PIXEL): Matrix<Float32Array> {
  if (!(maxValue > 0) || !Number.isFinite(maxValue)) {
    throw new RangeError(`scalePixels: maxValue must be a positive finite number, got ${maxValue}`);
  }
  const d = Math.fround(maxValue);
  const out = new Float32Array(X.data.length);
  for (let i = 0; i < out.length; i++) out[i] = X.data[i] / d;
  return matrix(out, X.rows, X.cols);
}
