import * as buffer from "node:buffer";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checksFor } from "../numerics/checks";
import { matrix, type Matrix } from "./matrix";
import { DigitsCsvParser } from "../io/digits-csv";
import { asMiB, mib, openRegularFile, readChunk } from "../io/regular-file";

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

const MAX_PIXEL = 16;
const CHUNK_BYTES = 1024 * 1024;

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

  const fd = openRegularFile(filePath, "a .csv or .csv.gz file", (why) => new Error(`loadDigits: cannot read ${filePath}: ${why}`));
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
