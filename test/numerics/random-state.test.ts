/**
 * lib/random.ts against NumPy 1.24's legacy RandomState: every value recorded in test/golden/split-cases.json
 * (made by test/golden/make_split_cases.py) must come out identical.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { RandomState } from "../../lib/numerics/random-state";

interface Golden {
  versions: { sklearn: string; numpy: string };
  randomState: {
    uint32: { seed: number; values: number[] }[];
    arraySeed: { key: number[]; values: number[] }[];
    permutation: { seed: number; n: number; perm?: number[]; head?: number[]; sha256?: string }[];
    choice: { seed: number; n?: number; from?: number[]; size: number; values: number[] }[];
    randint: { seed: number; low: number; high: number; size: number; values: number[] }[];
    randomSample: { seed: number; values: number[] }[];
    sequences: { seed: number; ops: SequenceOp[] }[];
    seedErrors: { seed: number; message: string }[];
    callErrors: { op: string; low?: number; high?: number; n?: number; size?: number; message: string }[];
  };
}

interface SequenceOp {
  op: "randint" | "permutation" | "uint32" | "randomSample" | "choice";
  low?: number;
  high?: number;
  n?: number;
  size?: number;
  values: number[];
}

const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../../test/golden/split-cases.json"), "utf8"),
) as Golden;
const cases = golden.randomState;

function escapeRegExp(s: string): RegExp {
  return new RegExp("^" + s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

function draws(rng: RandomState, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.nextUint32());
  return out;
}

test("the golden file is the one made by scikit-learn 1.2.1 / NumPy 1.24.2, and it is not empty", () => {
  assert.deepEqual(golden.versions, { sklearn: "1.2.1", numpy: "1.24.2" });
  assert.ok(cases.uint32.length >= 6 && cases.permutation.length >= 90 && cases.sequences.length >= 3);
});

test("integer seeds: the raw uint32 stream matches NumPy's, across three state refills", () => {
  for (const { seed, values } of cases.uint32) {
    assert.equal(values.length, 1300);
    assert.deepEqual(draws(new RandomState(seed), values.length), values, `seed ${seed}`);
  }
});

test("array seeds (init_by_array) match NumPy's, including keys longer than the state", () => {
  for (const { key, values } of cases.arraySeed) {
    assert.deepEqual(draws(new RandomState(key), values.length), values, `key of length ${key.length}`);
  }
});

test("permutation(n) matches NumPy's for n from 0 to 300000 (masks wider than 16 bits)", () => {
  let hashed = 0;
  for (const c of cases.permutation) {
    const perm = new RandomState(c.seed).permutation(c.n);
    assert.equal(perm.length, c.n);
    if (c.perm) {
      assert.deepEqual(Array.from(perm), c.perm, `seed ${c.seed}, n ${c.n}`);
    } else {
      hashed++;
      assert.deepEqual(Array.from(perm.subarray(0, 16)), c.head, `seed ${c.seed}, n ${c.n} (head)`);
      const sha = createHash("sha256").update(new Uint8Array(perm.buffer, perm.byteOffset, perm.byteLength)).digest("hex");
      assert.equal(sha, c.sha256, `seed ${c.seed}, n ${c.n} (sha256 of the int32 bytes)`);
    }
  }
  assert.ok(hashed >= 5);
});

test("choice(n, size) without replacement matches NumPy's, from a range and from an array", () => {
  for (const c of cases.choice) {
    const rng = new RandomState(c.seed);
    const got = c.from ? rng.choice(c.from, c.size) : rng.choice(c.n as number, c.size);
    assert.deepEqual(Array.from(got), c.values, JSON.stringify({ seed: c.seed, n: c.n, from: c.from, size: c.size }));
  }
});

test("randint(low, high, size) matches NumPy's int64 randint, 32- and 64-bit ranges", () => {
  for (const c of cases.randint) {
    const got = new RandomState(c.seed).randint(c.low, c.high, c.size);
    assert.deepEqual(Array.from(got), c.values, `seed ${c.seed}, randint(${c.low}, ${c.high})`);
  }
});

test("randomSample matches NumPy's random_sample to the last bit", () => {
  for (const { seed, values } of cases.randomSample) {
    assert.deepEqual(Array.from(new RandomState(seed).randomSample(values.length)), values, `seed ${seed}`);
  }
});

test("chains of calls on one generator consume exactly NumPy's draws", () => {
  for (const { seed, ops } of cases.sequences) {
    const rng = new RandomState(seed);
    for (const [k, op] of ops.entries()) {
      let got: ArrayLike<number>;
      switch (op.op) {
        case "randint":
          got = rng.randint(op.low as number, op.high as number, op.size as number);
          break;
        case "permutation":
          got = rng.permutation(op.n as number);
          break;
        case "uint32":
          got = draws(rng, op.size as number);
          break;
        case "randomSample":
          got = rng.randomSample(op.size as number);
          break;
        case "choice":
          got = rng.choice(op.n as number, op.size as number);
          break;
      }
      assert.deepEqual(Array.from(got), op.values, `seed ${seed}, op ${k} (${op.op})`);
    }
  }
});

test("seeds outside 0..2**32-1 throw NumPy's message; non-integers throw a TypeError", () => {
  assert.ok(cases.seedErrors.length >= 3);
  for (const { seed, message } of cases.seedErrors) {
    assert.throws(() => new RandomState(seed), { name: "RangeError", message: escapeRegExp(message) }, `seed ${seed}`);
  }
  assert.throws(() => new RandomState(1.5), { name: "TypeError", message: /integer/ });
  assert.throws(() => new RandomState([1, -2]), { name: "RangeError", message: /^Seed must be between 0 and 2\*\*32 - 1/ });
  assert.throws(() => new RandomState([]), { name: "RangeError", message: /^Seed must be non-empty/ });
  // A seed of the wrong type is named as it was passed: "0" and null are not seed 0.
  const seeded = (seed: unknown) => () => new RandomState(seed as number);
  const expected = "an integer 0..2**32-1 or a non-empty array of them (omit it for an unseeded generator)";
  assert.throws(seeded("0"), { name: "TypeError", message: `RandomState: seed must be ${expected}, got "0" (a string)` });
  assert.throws(seeded(null), { name: "TypeError", message: `RandomState: seed must be ${expected}, got null` });
  assert.throws(seeded([1, "2"]), { name: "TypeError", message: 'Seed must be an integer 0..2**32-1, got "2" (a string) (RandomState seed[1])' });
  assert.throws(seeded(-1), { name: "RangeError", message: "Seed must be between 0 and 2**32 - 1 (RandomState seed=-1)" });
});

test("sizes are checked before anything is allocated, naming the method and argument", () => {
  const rng = new RandomState(0);
  assert.throws(() => rng.permutation(2 ** 31), {
    name: "RangeError",
    message: "permutation: n must be an integer 0..2**28 (the values one call allocates), got 2147483648",
  });
  assert.throws(() => rng.permutation("5" as unknown as number), {
    name: "TypeError",
    message: 'permutation: x must be a number n or an array, got "5" (a string)',
  });
  assert.throws(() => rng.choice(null as unknown as number, 2), { name: "TypeError", message: "choice: a must be an integer or an array, got null" });
  assert.throws(() => rng.randomSample(-1), { name: "RangeError", message: /^randomSample: size must be an integer 0\.\.2\*\*28/ });
  assert.throws(() => rng.randint(0, "9" as unknown as number, 1), {
    name: "TypeError",
    message: 'randint: high must be an integer within ±2**53, got "9" (a string)',
  });
  assert.throws(() => rng.randomInterval(0.5), { name: "RangeError", message: "randomInterval: max must be an integer 0..2**53-1, got 0.5" });
  // Nothing was drawn by the refused calls: the stream is where a fresh generator's is.
  assert.equal(rng.nextUint32(), new RandomState(0).nextUint32());
});

test("bad randint and choice arguments throw NumPy's messages", () => {
  assert.equal(cases.callErrors.length, 3);
  const rng = new RandomState(0);
  for (const c of cases.callErrors) {
    const call = c.op === "randint" ? () => rng.randint(c.low as number, c.high as number, 1) : () => rng.choice(c.n as number, c.size as number);
    assert.throws(call, { name: "RangeError", message: escapeRegExp(c.message) }, c.op);
  }
  assert.throws(() => rng.permutation(-1), RangeError);
  assert.throws(() => rng.randomInterval(-1), RangeError);
});

test("permutation(array) shuffles a copy; shuffle works in place on the same draws", () => {
  const values = new Int32Array([10, 11, 12, 13, 14, 15, 16]);
  const copy = new RandomState(3).permutation(values);
  assert.deepEqual(Array.from(values), [10, 11, 12, 13, 14, 15, 16]);
  const perm = new RandomState(3).permutation(values.length);
  assert.deepEqual(Array.from(copy), Array.from(perm, (i) => values[i]));
  const inPlace = new Float64Array([10, 11, 12, 13, 14, 15, 16]);
  assert.equal(new RandomState(3).shuffle(inPlace), inPlace);
  assert.deepEqual(Array.from(inPlace), Array.from(copy));
});

test("unseeded generators are valid and differ from each other", () => {
  const a = new RandomState().permutation(1000);
  const b = new RandomState().permutation(1000);
  assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual(Array.from(a), Array.from(b));
});

test("the doc comments' examples hold", () => {
  assert.deepEqual(Array.from(new RandomState(0).permutation(5)), [2, 0, 1, 3, 4]);
  assert.deepEqual(Array.from(new RandomState(0).permutation(10)), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  assert.equal(new RandomState(42).nextUint32(), 1608637542);
});
