import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DEFAULT_DIGITS_PATH, loadDigits, parseDigitsCsv, scalePixels } from "../../lib/core/data";
import { digitsFrame } from "../../lib/display/digits-frame";
import { matrix, shape } from "../../lib/core/matrix";
import { ROOT } from "../helpers/paths";

const sha256 = (buf: Buffer): string => crypto.createHash("sha256").update(buf).digest("hex");

test("data/digits.csv.gz is scikit-learn's file, byte for byte (checksums from data/README.md)", () => {
  const gz = fs.readFileSync(path.join(ROOT, "data", "digits.csv.gz"));
  assert.equal(sha256(gz), "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a");
  assert.equal(sha256(zlib.gunzipSync(gz)), "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8");
  assert.equal(DEFAULT_DIGITS_PATH, path.join(ROOT, "data", "digits.csv.gz"));
});

test("loadDigits gives load_digits(return_X_y=True): [1797, 64] pixels 0..16 and labels 0..9", () => {
  const { X, y } = loadDigits();
  assert.equal(X.rows, 1797);
  assert.equal(X.cols, 64);
  assert.equal(y.length, 1797);
  assert.ok(X.data instanceof Float32Array && y instanceof Int32Array);
  // First image and labels as scikit-learn has them (digits.images[0] is a zero).
  assert.deepEqual(Array.from(X.data.subarray(0, 16)), [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]);
  assert.deepEqual(Array.from(y.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  const counts = new Array<number>(10).fill(0);
  y.forEach((v) => counts[v]++);
  assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  assert.equal(Math.max(...X.data), 16);
  assert.equal(Math.min(...X.data), 0);
});

test("loadDigits reads a plain CSV as well as a gzipped one", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-"));
  const file = path.join(dir, "digits.csv");
  fs.writeFileSync(file, zlib.gunzipSync(fs.readFileSync(DEFAULT_DIGITS_PATH)));
  const a = loadDigits(file);
  const b = loadDigits();
  assert.deepEqual(a.X.data, b.X.data);
  assert.deepEqual(a.y, b.y);
});

test("scalePixels divides by 16 in float32, as X.astype(np.float32) / 16.0", () => {
  const { X } = parseDigitsCsv(`${Array(64).fill(0).map((_, j) => j % 17).join(",")},3\n`);
  const s = scalePixels(X);
  assert.equal(s.rows, 1);
  assert.equal(s.cols, 64);
  assert.equal(s.data[1], 1 / 16);
  assert.equal(s.data[16], 1);
  assert.equal(s.data[3], 0.1875);
  assert.throws(() => scalePixels(X, 0), /maxValue must be a positive finite number, got 0/);
});

const row = (pixels: string[] = Array(64).fill("0"), label = "5"): string => [...pixels, label].join(",");

test("malformed files: errors name the file, the line and what was wrong", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-bad-"));
  const write = (name: string, text: string | Buffer): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ["empty.csv", "", /empty\.csv is empty; expected lines of 64 pixels/],
    ["short.csv", `${row()}\n${row(Array(63).fill("1"))}\n`, /short\.csv, line 2: expected 65 comma-separated values \(64 pixels and a label\), found 64/],
    ["blank.csv", `${row()}\n\n${row()}\n`, /blank\.csv, line 2: expected 65 comma-separated values .* found an empty line/],
    ["float.csv", `${row(["1.5", ...Array(63).fill("0")])}\n`, /float\.csv, line 1: pixel 1 is "1\.5", expected an integer/],
    ["text.csv", `${row([...Array(10).fill("0"), "abc", ...Array(53).fill("0")])}\n`, /text\.csv, line 1: pixel 11 is "abc", expected an integer/],
    ["pixel.csv", `${row()}\n${row([...Array(63).fill("0"), "17"])}\n`, /pixel\.csv, line 2: pixel 64 is 17, expected 0\.\.16/],
    ["negative.csv", `${row(["-1", ...Array(63).fill("0")])}\n`, /negative\.csv, line 1: pixel 1 is -1, expected 0\.\.16/],
    ["label.csv", `${row(undefined, "10")}\n`, /label\.csv, line 1: the label \(column 65\) is 10, expected a digit 0\.\.9/],
    ["nolabel.csv", `${row(undefined, "")}\n`, /nolabel\.csv, line 1: the label \(column 65\) is "", expected an integer/],
    ["broken.csv.gz", Buffer.from([0x1f, 0x8b, 1, 2, 3]), /broken\.csv\.gz looks gzipped but cannot be decompressed/],
  ];
  for (const [name, text, message] of cases) {
    assert.throws(() => loadDigits(write(name, text)), message, name);
  }
  assert.throws(() => loadDigits(path.join(dir, "missing.csv")), /cannot read .*missing\.csv: no such file/);
});

test("Windows line endings, a missing final newline, trailing blank lines and 16.0-style integers are accepted", () => {
  const d = parseDigitsCsv(`${row(undefined, "1")}\r\n${row(undefined, "2")}`);
  assert.deepEqual(Array.from(d.y), [1, 2]);
  const e = parseDigitsCsv(`${row(["16.0", " 3 ", ...Array(62).fill("0")], "4.0")}\n\n  \n`);
  assert.deepEqual(Array.from(e.X.data.subarray(0, 2)), [16, 3]);
  assert.deepEqual(Array.from(e.y), [4]);
  assert.throws(() => parseDigitsCsv(`${row(["0x10", ...Array(63).fill("0")])}\n`), /pixel 1 is "0x10", expected an integer/);
  assert.throws(() => parseDigitsCsv(`${row(["Infinity", ...Array(63).fill("0")])}\n`), /pixel 1 is "Infinity", expected an integer/);
});

test("digitsFrame and shape: the first rows as a DataFrame, and clear errors", () => {
  const { X, y } = parseDigitsCsv(`${row(undefined, "1")}\n${row(undefined, "2")}\n`);
  const df = digitsFrame(X, y, 5);
  assert.deepEqual(df.shape, [2, 65]);
  assert.deepEqual(df.columns.slice(0, 3), ["label", "px0", "px1"]);
  assert.deepEqual(shape(X), [2, 64]);
  assert.throws(() => digitsFrame(X, y.subarray(0, 1)), /X has 2 rows but y has 1 labels/);
  assert.throws(() => digitsFrame(matrix(new Float32Array(0), 0, 64), new Int32Array(0)), /digitsFrame: X has no rows/);
  assert.throws(() => digitsFrame(X, y, 0), /rows must be a positive integer, got 0/);
});
