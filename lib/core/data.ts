import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
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

const N_PIXELS = 64;
const MAX_PIXEL = 16;
const N_LABELS = 10;
// A decimal number as np.loadtxt reads it ("7", "16.0", "1e1"); whether it is a whole number is checked after.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads the digits data like scikit-learn's `load_digits(return_X_y=True)`: a CSV (optionally gzipped) with no
 * header and 65 integers a line, 64 pixels 0..16 then the label 0..9. Pixels are NOT scaled here; that is a
 * separate, visible step ({@link scalePixels}), as in the original notebook.
 *
 * A malformed file throws an error naming the file, the line and what was wrong; nothing partial is returned.
 *
 * @param filePath - the CSV or CSV.gz to read. Default: the project's `data/digits.csv.gz`.
 * @example
 * const { X, y } = loadDigits(); // X: [1797, 64] 0..16, y: [1797]
 */
export function loadDigits(filePath: string = DEFAULT_DIGITS_PATH): Digits {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(filePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`loadDigits: cannot read ${filePath}: ${code === "ENOENT" ? "no such file" : String(err)}`);
  }
  let text: string;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      text = zlib.gunzipSync(raw).toString("utf8");
    } catch (err) {
      throw new Error(`loadDigits: ${filePath} looks gzipped but cannot be decompressed: ${(err as Error).message}`);
    }
  } else {
    text = raw.toString("utf8");
  }
  return parseDigitsCsv(text, filePath);
}

/**
 * Parses the text of a digits CSV (see {@link loadDigits}); `source` names it in error messages.
 *
 * @example
 * parseDigitsCsv("0,".repeat(64) + "7\n").y; // Int32Array [7]
 */
export function parseDigitsCsv(text: string, source = "<text>"): Digits {
  const lines = text.split(/\r?\n/);
  // Blank lines at the end are harmless (np.loadtxt skips them); a blank line between rows is an error below.
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) {
    throw new Error(`loadDigits: ${source} is empty; expected lines of 64 pixels (0..${MAX_PIXEL}) and a label (0..9)`);
  }
  const n = lines.length;
  const X = new Float32Array(n * N_PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const where = `${source}, line ${i + 1}`;
    const fields = lines[i].split(",");
    if (fields.length !== N_PIXELS + 1) {
      throw new Error(
        `loadDigits: ${where}: expected ${N_PIXELS + 1} comma-separated values (64 pixels and a label), found ${lines[i].trim() === "" ? "an empty line" : fields.length}`,
      );
    }
    for (let j = 0; j <= N_PIXELS; j++) {
      const field = fields[j].trim();
      const what = j < N_PIXELS ? `pixel ${j + 1}` : "the label (column 65)";
      const v = Number(field);
      if (!NUMBER.test(field) || !Number.isInteger(v)) {
        throw new Error(`loadDigits: ${where}: ${what} is ${JSON.stringify(fields[j])}, expected an integer`);
      }
      if (j < N_PIXELS) {
        if (v < 0 || v > MAX_PIXEL) {
          throw new Error(`loadDigits: ${where}: ${what} is ${v}, expected 0..${MAX_PIXEL}`);
        }
        X[i * N_PIXELS + j] = v;
      } else {
        if (v < 0 || v >= N_LABELS) {
          throw new Error(`loadDigits: ${where}: ${what} is ${v}, expected a digit 0..9`);
        }
        y[i] = v;
      }
    }
  }
  return { X: matrix(X, n, N_PIXELS), y };
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
