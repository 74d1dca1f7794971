/** lib/numerics/checks.ts: every check passes what it should, and every message names function, argument, value. */
import { test } from "node:test";
import assert from "node:assert/strict";

import { checksFor, describeValue } from "../../lib/numerics/checks";

test("describeValue never lets a wrong type pass for a value", () => {
  const cases: [unknown, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1.5, "1.5"],
    [NaN, "NaN"],
    [-Infinity, "-Infinity"],
    ["0", '"0" (a string)'],
    ["", '"" (a string)'],
    ["x".repeat(50), `"${"x".repeat(40)}…" (a string)`],
    [null, "null"],
    [undefined, "undefined"],
    [true, "true (a boolean)"],
    [10n, "10n (a bigint)"],
    [[1, 2, 3], "an array of 3"],
    [new Int32Array(5), "an Int32Array of 5"],
    [new Float32Array(2), "a Float32Array of 2"],
    [{}, "an object"],
    [new Map(), "a Map"],
    [() => 1, "a function"],
  ];
  for (const [value, shown] of cases) assert.equal(describeValue(value), shown);
});

test("integer: the range in the message, TypeError for a non-number, RangeError outside the range", () => {
  const check = checksFor("f");
  assert.equal(check.integer("n", 3, { min: 1 }), 3);
  assert.equal(check.integer("n", 0, { min: 0, max: 255 }), 0);
  assert.throws(() => check.integer("n", 0, { min: 1 }), { name: "RangeError", message: "f: n must be an integer >= 1, got 0" });
  assert.throws(() => check.integer("n", 256, { min: 0, max: 255 }), { name: "RangeError", message: "f: n must be an integer 0..255, got 256" });
  assert.throws(() => check.integer("n", 1.5), { name: "RangeError", message: "f: n must be an integer, got 1.5" });
  assert.throws(() => check.integer("n", 2 ** 53), { name: "RangeError", message: "f: n must be an integer, got 9007199254740992" });
  assert.throws(() => check.integer("n", NaN, { max: 5 }), { name: "RangeError", message: "f: n must be an integer <= 5, got NaN" });
  assert.throws(() => check.integer("n", "3", { min: 1 }), { name: "TypeError", message: 'f: n must be an integer >= 1, got "3" (a string)' });
  assert.throws(() => check.integer("seed", -1, { min: 0, max: 2 ** 32 - 1, expected: "0..2**32-1" }), {
    message: "f: seed must be an integer 0..2**32-1, got -1",
  });
});

test("positiveInteger, nonNegativeInteger, and a phrase of one's own", () => {
  const check = checksFor("timeIt");
  assert.equal(check.positiveInteger("repeat", 1), 1);
  assert.throws(() => check.positiveInteger("repeat", 0), { name: "RangeError", message: "timeIt: repeat must be a positive integer, got 0" });
  assert.throws(() => check.positiveInteger("repeat", "2"), { name: "TypeError", message: 'timeIt: repeat must be a positive integer, got "2" (a string)' });
  assert.equal(check.nonNegativeInteger("warmup", 0), 0);
  assert.throws(() => check.nonNegativeInteger("warmup", 1.5), { message: "timeIt: warmup must be a non-negative integer, got 1.5" });
  const ms = { min: 0, what: "a non-negative number of milliseconds" };
  assert.equal(check.number("warmupMs", 0, ms), 0);
  assert.throws(() => check.number("warmupMs", NaN, ms), { message: "timeIt: warmupMs must be a non-negative number of milliseconds, got NaN" });
});

test("number, positive, nonNegative: finite unless infinity is allowed; exclusive bounds", () => {
  const check = checksFor("g");
  assert.equal(check.number("x", -2.5), -2.5);
  assert.throws(() => check.number("x", Infinity), { name: "RangeError", message: "g: x must be a number, got Infinity" });
  assert.equal(check.number("x", Infinity, { min: 0, allowInfinite: true }), Infinity);
  assert.throws(() => check.number("x", 0, { min: 0, minExclusive: true, max: 1 }), { message: "g: x must be a number > 0 and <= 1, got 0" });
  assert.equal(check.positive("C", 1e-300), 1e-300);
  assert.throws(() => check.positive("C", 0), { name: "RangeError", message: "g: C must be a positive finite number, got 0" });
  assert.throws(() => check.positive("C", Infinity), { name: "RangeError", message: "g: C must be a positive finite number, got Infinity" });
  assert.throws(() => check.positive("C", null), { name: "TypeError", message: "g: C must be a positive finite number, got null" });
  assert.equal(check.nonNegative("tol", 0), 0);
  assert.throws(() => check.nonNegative("tol", -1e-9), { message: "g: tol must be a finite number >= 0, got -1e-9" });
});

test("boolean, oneOf and options", () => {
  const check = checksFor("h");
  assert.equal(check.boolean("shuffle", false), false);
  assert.throws(() => check.boolean("shuffle", 0), { name: "TypeError", message: "h: shuffle must be true or false, got 0" });
  assert.equal(check.oneOf("solver", "gd", ["lbfgs", "gd"] as const), "gd");
  assert.throws(() => check.oneOf("solver", "sgd", ["lbfgs", "gd"]), { name: "RangeError", message: 'h: solver must be "lbfgs" or "gd", got "sgd" (a string)' });
  assert.throws(() => check.oneOf("kernels", 1, ["auto", "wasm", "js"]), {
    name: "TypeError",
    message: 'h: kernels must be "auto", "wasm" or "js", got 1',
  });
  assert.deepEqual(check.options("options", undefined), {});
  const given = { a: 1 };
  assert.equal(check.options("options", given), given);
  for (const bad of [null, 3, [1], new Float32Array(1)]) {
    assert.throws(() => check.options("options", bad as unknown as object), { name: "TypeError", message: /^h: options must be an object of named options \(or omitted\), got / });
  }
  assert.equal(check.typeError("w", "a Float32Array", [1]).message, "h: w must be a Float32Array, got an array of 1");
  assert.equal(check.rangeError("bits", "8, 4 or 2", 3).message, "h: bits must be 8, 4 or 2, got 3");
});
