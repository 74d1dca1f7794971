/**
 * lib/split.ts against scikit-learn 1.2.1: every train/test index array recorded in
 * test/golden/split-cases.json (made by test/golden/make_split_cases.py) must come out identical, in order,
 * and every error with scikit-learn's message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { matrix } from "../../lib/core/matrix";
import { RandomState } from "../../lib/numerics/random-state";
import { MAX_SPLIT_SAMPLES, SplitOptions, trainTestSplit, trainTestSplitIndices } from "../../lib/core/split";
import { approximateMode } from "../../lib/numerics/shuffle-split";

interface SplitCase {
  n: number;
  testSize?: number;
  trainSize?: number;
  randomState?: number;
  shuffle?: boolean;
  stratify?: string;
  train?: number[];
  test?: number[];
  error?: string;
}

interface ErrorCase extends SplitCase {
  kind: string;
  error: string;
  xRows?: number;
  yLength?: number;
}

interface Golden {
  versions: { sklearn: string; numpy: string };
  approximateMode: { classCounts: number[]; nDraws: number; seed: number; result: number[]; nextUint32: number }[];
  labels: Record<string, number[]>;
  split: SplitCase[];
  errors: ErrorCase[];
}

const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../../test/golden/split-cases.json"), "utf8"),
) as Golden;
const labels = new Map(Object.entries(golden.labels).map(([name, y]) => [name, Int32Array.from(y)]));
labels.set("empty", new Int32Array(0));

function optionsOf(c: SplitCase): SplitOptions {
  const options: SplitOptions = {};
  if (c.testSize !== undefined) options.testSize = c.testSize;
  if (c.trainSize !== undefined) options.trainSize = c.trainSize;
  if (c.randomState !== undefined) options.randomState = c.randomState;
  if (c.shuffle !== undefined) options.shuffle = c.shuffle;
  if (c.stratify !== undefined) {
    const y = labels.get(c.stratify);
    assert.ok(y, `labels ${c.stratify} missing from the golden file`);
    options.stratify = y;
  }
  return options;
}

function describe(c: SplitCase): string {
  const { train: _train, test: _test, ...rest } = c;
  return JSON.stringify(rest);
}

function startsWith(message: string): RegExp {
  return new RegExp("^" + message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

const digits = labels.get("digits") as Int32Array;

test("the golden file has the digits labels and many cases of each kind", () => {
  assert.deepEqual(golden.versions, { sklearn: "1.2.1", numpy: "1.24.2" });
  assert.equal(digits.length, 1797);
  const ok = golden.split.filter((c) => c.error === undefined);
  assert.ok(ok.length >= 500, `${ok.length} split cases`);
  assert.ok(ok.filter((c) => c.stratify === "digits").length >= 40);
  assert.ok(golden.split.length - ok.length >= 100);
  assert.ok(golden.approximateMode.length >= 150);
  assert.ok(golden.errors.length >= 25);
});

test("approximateMode matches _approximate_mode, tie-breaking draws included", () => {
  let tieBroken = 0;
  for (const c of golden.approximateMode) {
    const rng = new RandomState(c.seed);
    const got = approximateMode(Int32Array.from(c.classCounts), c.nDraws, rng);
    const label = `${JSON.stringify(c.classCounts)} draws ${c.nDraws} seed ${c.seed}`;
    assert.deepEqual(Array.from(got), c.result, label);
    const next = rng.nextUint32();
    assert.equal(next, c.nextUint32, `${label}: the draws it consumed`);
    if (next !== new RandomState(c.seed).nextUint32()) tieBroken++;
  }
  assert.ok(tieBroken >= 50, `only ${tieBroken} cases went through the tie-breaking path`);
});

test("trainTestSplitIndices matches train_test_split in every golden case, in order", () => {
  let passed = 0;
  for (const c of golden.split) {
    const run = (): ReturnType<typeof trainTestSplitIndices> => trainTestSplitIndices(c.n, optionsOf(c));
    if (c.error !== undefined) {
      assert.throws(run, { name: "RangeError", message: startsWith(c.error) }, describe(c));
    } else {
      const { train, test: testIdx } = run();
      assert.ok(train instanceof Int32Array && testIdx instanceof Int32Array);
      assert.deepEqual(Array.from(train), c.train, `train of ${describe(c)}`);
      assert.deepEqual(Array.from(testIdx), c.test, `test of ${describe(c)}`);
    }
    passed++;
  }
  assert.equal(passed, golden.split.length);
});

test("every error scikit-learn raises, with its message", () => {
  for (const c of golden.errors) {
    const expected = { name: "RangeError", message: startsWith(c.error) };
    if (c.kind === "xyLength") {
      const X = matrix(new Float32Array((c.xRows as number) * 2), c.xRows as number, 2);
      const y = new Int32Array(c.yLength as number);
      assert.throws(() => trainTestSplit(X, y, { testSize: 0.25, randomState: 0 }), expected, c.kind);
    } else {
      assert.throws(() => trainTestSplitIndices(c.n, optionsOf(c)), expected, c.kind);
    }
  }
  const kinds = new Set(golden.errors.map((c) => c.kind));
  for (const kind of ["testSizeFloatHigh", "testSizeIntTooBig", "testSizeIntZero", "floatSumAboveOne", "intSumAboveN",
    "emptySamples", "stratifyLength", "leastPopulatedClass", "testSmallerThanClasses", "trainSmallerThanClasses",
    "seedNegative", "seedNotInteger", "stratifyWithoutShuffle", "xyLength"]) {
    assert.ok(kinds.has(kind), `no golden case for ${kind}`);
  }
});

test("errors that say which argument is wrong where scikit-learn does not", () => {
  assert.throws(() => trainTestSplitIndices(10, { stratify: new Int32Array(9), randomState: 0 }), {
    message: /\(stratify has 9 labels for nSamples=10\)$/,
  });
  assert.throws(() => trainTestSplitIndices(10, { randomState: -1 }), { message: /\(randomState=-1\)$/ });
  assert.throws(() => trainTestSplitIndices(10, { randomState: 0.5 }), {
    message: /^0\.5 cannot be used to seed a numpy\.random\.RandomState instance \(randomState must be/,
  });
});

test("non-finite sizes: Python's messages for inf and NaN", () => {
  assert.throws(() => trainTestSplitIndices(10, { testSize: Infinity }), {
    message: /^test_size=inf should be either positive and smaller than the number of samples 10/,
  });
  assert.throws(() => trainTestSplitIndices(10, { trainSize: -Infinity }), { message: /^train_size=-inf should be/ });
  assert.throws(() => trainTestSplitIndices(10, { testSize: NaN }), {
    message: /^cannot convert float NaN to integer \(testSize is NaN\)/,
  });
  assert.throws(() => trainTestSplitIndices(10.5), {
    name: "RangeError",
    message: "trainTestSplitIndices: nSamples must be an integer >= 0, got 10.5",
  });
  assert.throws(() => trainTestSplitIndices(-1), { name: "RangeError", message: /nSamples must be an integer >= 0, got -1$/ });
});

test("a seed of the wrong type says what was passed, in scikit-learn's words (not as if seed 0 were invalid)", () => {
  const bad = (randomState: unknown): SplitOptions => ({ randomState: randomState as number });
  // check_random_state('0') raises "'0' cannot be used to seed a numpy.random.RandomState instance"
  assert.throws(() => trainTestSplitIndices(10, bad("0")), {
    name: "RangeError",
    message:
      "'0' cannot be used to seed a numpy.random.RandomState instance " +
      '(randomState must be an integer 0..2**32-1 or a RandomState, got "0" (a string))',
  });
  assert.throws(() => trainTestSplitIndices(10, bad(null)), {
    name: "RangeError",
    message:
      "null cannot be used to seed a numpy.random.RandomState instance (randomState must be an integer 0..2**32-1 " +
      "or a RandomState, got null; omit it for an unseeded generator, as random_state=None)",
  });
  assert.throws(() => trainTestSplitIndices(10, bad({})), { message: /^an object cannot be used to seed/ });
  assert.throws(() => trainTestSplitIndices(10, bad("it's")), { message: /^"it's" cannot be used to seed/ });
  // Seed 0 itself is valid, and so is every other integer up to 2**32-1.
  assert.equal(trainTestSplitIndices(10, { randomState: 0 }).test.length, 3);
  assert.equal(trainTestSplitIndices(10, { randomState: 2 ** 32 - 1 }).test.length, 3);
});

test("options of the wrong type are named, with what was passed", () => {
  const call = (n: unknown, options?: unknown) => () => trainTestSplitIndices(n as number, options as SplitOptions);
  assert.throws(call("10"), { name: "TypeError", message: 'trainTestSplitIndices: nSamples must be an integer >= 0, got "10" (a string)' });
  assert.throws(call(10, 0.25), {
    name: "TypeError",
    message: "trainTestSplitIndices: options must be an object of named options (or omitted), got 0.25",
  });
  assert.throws(call(10, { testSize: "0.25" }), {
    name: "TypeError",
    message: 'trainTestSplitIndices: options.testSize must be a number (a fraction or a count), got "0.25" (a string)',
  });
  assert.throws(call(10, { shuffle: "false" }), {
    name: "TypeError",
    message: 'trainTestSplitIndices: options.shuffle must be true or false, got "false" (a string)',
  });
  // A plain array of labels would be sorted as strings by np.unique's port; it is refused, with the fix.
  assert.throws(call(4, { stratify: [0, 1, 0, 1], randomState: 0 }), {
    name: "TypeError",
    message: "trainTestSplitIndices: options.stratify must be an Int32Array of class labels (Int32Array.from(labels)), got an array of 4",
  });
  const X = matrix(new Float32Array(8), 4, 2);
  assert.throws(() => trainTestSplit(undefined as unknown as typeof X, new Int32Array(4)), {
    name: "TypeError",
    message: "trainTestSplit: X must be a Matrix<Float32Array> (as loadDigits and scalePixels return), got undefined",
  });
  assert.throws(() => trainTestSplit(X, [0, 1, 0, 1] as unknown as Int32Array), {
    name: "TypeError",
    message: "trainTestSplit: y must be an Int32Array of labels, got an array of 4",
  });
});

test("a split too large to be meant is refused at once, with the limit (2**31 once ran ten minutes to 8.5 GB)", () => {
  const t0 = process.hrtime.bigint();
  assert.throws(() => trainTestSplitIndices(2 ** 31, { randomState: 0 }), {
    name: "RangeError",
    message:
      "trainTestSplitIndices: nSamples is 2147483648; at most 67108864 (2**26) samples can be split (the indices " +
      "alone would take 16384 MB). Split a smaller set, or split the indices of a sample of it.",
  });
  assert.throws(() => trainTestSplitIndices(MAX_SPLIT_SAMPLES + 1), { message: /at most 67108864 \(2\*\*26\)/ });
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000, "the guard must answer before any work");
});

test("a RandomState can be passed instead of a seed, and is advanced", () => {
  const rng = new RandomState(0);
  const first = trainTestSplitIndices(1797, { randomState: rng, stratify: digits });
  const fromSeed = trainTestSplitIndices(1797, { randomState: 0, stratify: digits });
  assert.deepEqual(first, fromSeed);
  const second = trainTestSplitIndices(1797, { randomState: rng, stratify: digits });
  assert.notDeepEqual(Array.from(second.test), Array.from(first.test));
});

test("unseeded splits are still stratified partitions of the right sizes", () => {
  const { train, test: testIdx } = trainTestSplitIndices(1797, { stratify: digits });
  assert.equal(train.length, 1347);
  assert.equal(testIdx.length, 450);
  const seen = new Uint8Array(1797);
  for (const i of [...train, ...testIdx]) seen[i]++;
  assert.ok(seen.every((v) => v === 1));
  const perClass = new Int32Array(10);
  const classSize = new Int32Array(10);
  for (const i of testIdx) perClass[digits[i]]++;
  for (const label of digits) classSize[label]++;
  // _approximate_mode is off the exact proportion by less than one, twice (train, then test from the rest)
  perClass.forEach((v, c) => assert.ok(Math.abs(v - (classSize[c] * 450) / 1797) < 2, `class ${c}: ${v} of ${classSize[c]}`));
});

test("trainTestSplit takes the rows and labels at the indices, as the notebook's call", () => {
  const cols = 64;
  const X = matrix(new Float32Array(1797 * cols), 1797, cols);
  for (let i = 0; i < 1797; i++) for (let j = 0; j < cols; j++) X.data[i * cols + j] = i + j / 100;
  const options: SplitOptions = { testSize: 0.25, randomState: 0, stratify: digits };
  const { train, test: testIdx } = trainTestSplitIndices(1797, options);
  const { Xtr, Xte, ytr, yte } = trainTestSplit(X, digits, options);
  assert.deepEqual([Xtr.rows, Xtr.cols, Xte.rows, Xte.cols], [1347, 64, 450, 64]);
  for (const [part, idx, labelsPart] of [[Xtr, train, ytr], [Xte, testIdx, yte]] as const) {
    for (let k = 0; k < idx.length; k++) {
      assert.equal(part.data[k * cols], idx[k]);
      assert.equal(part.data[k * cols + 5], Math.fround(idx[k] + 0.05));
      assert.equal(labelsPart[k], digits[idx[k]]);
    }
  }
  const golden0 = golden.split.find(
    (c) => c.n === 1797 && c.stratify === "digits" && c.testSize === 0.25 && c.randomState === 0 && !c.trainSize,
  );
  assert.ok(golden0);
  assert.deepEqual(Array.from(yte), (golden0.test as number[]).map((i) => digits[i]));
});

test("the doc comments' examples hold", () => {
  const { train, test: testIdx } = trainTestSplitIndices(10, { testSize: 0.3, randomState: 42 });
  assert.deepEqual(Array.from(train), [0, 7, 2, 9, 4, 3, 6]);
  assert.deepEqual(Array.from(testIdx), [8, 1, 5]);
  assert.deepEqual(Array.from(approximateMode(new Int32Array([2, 2, 2, 1]), 2, new RandomState(42))), [1, 1, 0, 0]);
});

test("a stratified split of the 1797 digits takes well under 10 ms", () => {
  const times: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = process.hrtime.bigint();
    trainTestSplitIndices(1797, { testSize: 0.25, randomState: r, stratify: digits });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  assert.ok(median < 10, `median ${median.toFixed(3)} ms`);
});
