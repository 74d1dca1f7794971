import { test } from "node:test";
import assert from "node:assert/strict";
import { roundHalfToEven, roundTo } from "../../lib/numerics/round";

test("roundHalfToEven matches np.round / np.rint: ties go to the even neighbour", () => {
  const cases: Array<[number, number]> = [
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, -0], [-1.5, -2], [-2.5, -2], [2.4999999, 2], [2.5000001, 3],
    [-127.5, -128], [127.5, 128], [126.5, 126], [7, 7], [-7.2, -7], [1e17, 1e17],
  ];
  for (const [x, want] of cases) assert.equal(Object.is(roundHalfToEven(x), want) || roundHalfToEven(x) === want, true, `${x} → ${roundHalfToEven(x)}`);
  assert.ok(Object.is(roundHalfToEven(-0.5), -0));
  assert.ok(Number.isNaN(roundHalfToEven(NaN)));
});

test("roundTo matches Python's round(x, n), ties to even on the exact binary value", () => {
  // Values checked against Python 3: round(x, n).
  const cases: Array<[number, number, number]> = [
    [0.125, 2, 0.12], [0.375, 2, 0.38], [2.675, 2, 2.67], [2600 / 1024, 2, 2.54], [680 / 1024, 2, 0.66],
    [5200 / 1024, 2, 5.08], [2600 / 680, 2, 3.82], [5200 / 680, 2, 7.65], [0.96, 4, 0.96], [432 / 450, 4, 0.96],
    [0.5, 0, 0], [1.5, 0, 2], [-0.125, 2, -0.12], [0.0704123, 4, 0.0704], [12.3456, 3, 12.346],
  ];
  for (const [x, n, want] of cases) assert.equal(roundTo(x, n), want, `round(${x}, ${n})`);
  assert.throws(() => roundTo(1, -1), /digits must be an integer 0\.\.20, got -1/);
});
