import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DEFAULT_DIGITS_PATH, loadDigits, MAX_DIGITS_BYTES, parseDigitsCsv, scalePixels } from "../../lib/core/data";
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

test("shape: [rows, cols], like NumPy's X.shape", () => {
  const { X } = parseDigitsCsv(`${row(undefined, "1")}\n${row(undefined, "2")}\n`);
  assert.deepEqual(shape(X), [2, 64]);
  assert.deepEqual(shape(matrix(new Float32Array(0), 0, 64)), [0, 64]);
});

// ------------------------------------------------------------------------------------------------
// Files that are not digits CSVs, or far too large: refused at once, with the limit and how to raise it.
// ------------------------------------------------------------------------------------------------

/**
 * loadDigits(file) in a child process with a deadline, so that a loader that hangs (as on a FIFO or /dev/zero
 * before these checks) fails this test instead of stopping the test run. Returns the error message and the time.
 */
function loadInChild(file: string, options?: object, timeoutMs = 20_000): { message: string; ms: number } {
  const script =
    `const { loadDigits } = require(${JSON.stringify(path.join(ROOT, "dist", "lib", "core", "data.js"))});` +
    `try { const d = loadDigits(${JSON.stringify(file)}, ${JSON.stringify(options)}); console.log("loaded " + d.X.rows); }` +
    `catch (e) { console.log(e.message); }`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(r.error, undefined, `loadDigits(${file}) did not return within ${timeoutMs} ms (${r.error?.message})`);
  return { message: r.stdout.trim(), ms };
}

test("a FIFO, /dev/zero or a folder is refused at once, not read forever", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-kind-"));
  const fifo = path.join(dir, "digits.csv");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo failed");
  const cases: Array<[string, string]> = [
    [fifo, `loadDigits: cannot read ${fifo}: it is a FIFO (named pipe), not a regular file; expected a .csv or .csv.gz file`],
    ["/dev/zero", "loadDigits: cannot read /dev/zero: it is a character device (such as /dev/zero), not a regular file; expected a .csv or .csv.gz file"],
    [dir, `loadDigits: cannot read ${dir}: it is a folder, not a regular file; expected a .csv or .csv.gz file`],
  ];
  for (const [file, message] of cases) {
    const r = loadInChild(file, undefined, 10_000);
    assert.equal(r.message, message);
    assert.ok(r.ms < 5000, `${file}: ${r.ms} ms`);
  }
  // A symbolic link to a regular file is a regular file.
  const link = path.join(dir, "link.csv.gz");
  fs.symlinkSync(DEFAULT_DIGITS_PATH, link);
  assert.equal(loadDigits(link).X.rows, 1797);
});

test("a file larger than the limit is refused before it is read, with the limit and how to raise it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-big-"));
  // 600 MB (sparse: nothing is written): V8 once failed on it with "Cannot create a string longer than …".
  const big = path.join(dir, "big.csv");
  fs.writeFileSync(big, "");
  fs.truncateSync(big, 600 * 2 ** 20);
  const gz = path.join(dir, "big.csv.gz");
  fs.writeFileSync(gz, "");
  fs.truncateSync(gz, 600 * 2 ** 20);
  const fd = fs.openSync(gz, "r+");
  fs.writeSync(fd, Buffer.from([0x1f, 0x8b]), 0, 2, 0);
  fs.closeSync(fd);
  for (const file of [big, gz]) {
    const r = loadInChild(file);
    assert.equal(
      r.message,
      `loadDigits: ${file} is 600 MiB (629145600 bytes), more than the 256 MiB loadDigits reads by default; if the ` +
        "file really holds that much data, raise the limit: loadDigits(path, { maxBytes: 600 * 2 ** 20 })",
    );
    assert.ok(r.ms < 5000, `${file}: ${r.ms} ms`);
  }
  assert.equal(MAX_DIGITS_BYTES, 256 * 2 ** 20);
});

test("a gzip bomb stops at the limit, in well under a second of inflating, and says so", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-bomb-"));
  // 300 gzip members of 1 MiB of zeros each: a 300 KB file that inflates to 300 MiB (gunzip reads every member).
  const member = zlib.gzipSync(Buffer.alloc(2 ** 20), { level: 9 });
  const bomb = path.join(dir, "bomb.csv.gz");
  fs.writeFileSync(bomb, Buffer.concat(Array(300).fill(member)));
  const size = fs.statSync(bomb).size;
  assert.ok(size < 400_000, `${size}`);
  const r = loadInChild(bomb);
  assert.equal(
    r.message,
    `loadDigits: ${bomb} decompresses to more than 256 MiB (the file itself is ${size} bytes), more than the 256 MiB ` +
      "loadDigits reads by default; if the file really holds that much data, raise the limit: " +
      "loadDigits(path, { maxBytes: 512 * 2 ** 20 })",
  );
  assert.ok(r.ms < 10_000, `${r.ms} ms`);
  // The same with a smaller limit of one's own, in this process.
  assert.throws(() => loadDigits(bomb, { maxBytes: 2 ** 20 }), {
    name: "RangeError",
    message: /decompresses to more than 1 MiB .* more than the 1 MiB loadDigits reads \(options\.maxBytes\); .*\{ maxBytes: 2 \* 2 \*\* 20 \}\)$/,
  });
});

test("raising maxBytes reads a file over the default; the limit counts decompressed bytes", () => {
  const text = zlib.gunzipSync(fs.readFileSync(DEFAULT_DIGITS_PATH)); // 270 KB of text in a 57 KB file
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-limit-"));
  const csv = path.join(dir, "digits.csv");
  fs.writeFileSync(csv, text);
  assert.throws(() => loadDigits(csv, { maxBytes: 100_000 }), {
    name: "RangeError",
    message: `loadDigits: ${csv} is ${text.length} bytes, more than the 100000 bytes loadDigits reads (options.maxBytes); if the file really holds that much data, raise the limit: loadDigits(path, { maxBytes: 1 * 2 ** 20 })`,
  });
  assert.throws(() => loadDigits(DEFAULT_DIGITS_PATH, { maxBytes: 100_000 }), /decompresses to more than 100000 bytes/);
  assert.equal(loadDigits(csv, { maxBytes: text.length }).X.rows, 1797);
  assert.equal(loadDigits(DEFAULT_DIGITS_PATH, { maxBytes: text.length }).X.rows, 1797);
  assert.throws(() => loadDigits(csv, { maxBytes: 0 }), { name: "RangeError", message: /^loadDigits: options\.maxBytes must be an integer 1\.\./ });
  assert.throws(() => loadDigits(csv, { maxBytes: "1e9" as unknown as number }), { name: "TypeError", message: /got "1e9" \(a string\)$/ });
  assert.throws(() => loadDigits(null as unknown as string), {
    name: "TypeError",
    message: "loadDigits: filePath must be the path of a .csv or .csv.gz file, got null",
  });
});

test("read in chunks: a file of many megabytes gives what parsing it at once gives, line numbers included", () => {
  const text = zlib.gunzipSync(fs.readFileSync(DEFAULT_DIGITS_PATH)).toString("utf8");
  // 8 copies (2.2 MB, three 1 MiB chunks) with Windows line endings: lines cross chunk boundaries, \r\n too.
  const many = Array(8).fill(text).join("").replace(/\n/g, "\r\n");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digits-chunks-"));
  const csv = path.join(dir, "many.csv");
  fs.writeFileSync(csv, many);
  const fromFile = loadDigits(csv);
  const fromText = parseDigitsCsv(many);
  const one = loadDigits();
  assert.equal(fromFile.X.rows, 8 * 1797);
  assert.deepEqual(fromFile.X.data, fromText.X.data);
  assert.deepEqual(fromFile.y, fromText.y);
  assert.deepEqual(fromFile.X.data.subarray(7 * 1797 * 64), one.X.data);
  assert.deepEqual(fromFile.y.subarray(5 * 1797, 6 * 1797), one.y);
  // A bad value deep in the file is named by its line, as in a file read at once.
  const lines = many.split("\r\n");
  lines[12_345] = lines[12_345].replace(/^\d+,/, "x,");
  fs.writeFileSync(csv, lines.join("\r\n"));
  assert.throws(() => loadDigits(csv), { message: `loadDigits: ${csv}, line 12346: pixel 1 is "x", expected an integer` });
  // A file with no line ends (binary, or a wrong file) stops at the first 64 KiB, naming line 1.
  fs.writeFileSync(csv, Buffer.alloc(3 * 2 ** 20, 0x41));
  assert.throws(() => loadDigits(csv), {
    message: `loadDigits: ${csv}, line 1: longer than 65536 bytes; expected 65 comma-separated values (64 pixels and a label) a line (is this a digits CSV?)`,
  });
});
