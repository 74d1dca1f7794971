/**
 * The activation quantization kernel against its plain TypeScript twin: the same uint8 level for every input
 * (tolerance 0), on each of the kernel's three paths (a float32 multiply for power-of-two scales, a float64 multiply
 * for those float32 cannot hold, a float64 division otherwise), lengths around the 16-value step and past one chunk.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantizeKernel, quantizeUint8, quantizeUint8Reference } from "../../lib/kernels/quantize";
import { seededUniform } from "../../lib/studies/scaling";

function bothPaths(x: Float32Array, scale: number, zeroPoint: number, label: string): Uint8Array {
  const wasm = new Uint8Array(x.length);
  const ts = new Uint8Array(x.length);
  const nanWasm = quantizeUint8(x, scale, zeroPoint, wasm, "wasm");
  const nanTs = quantizeUint8Reference(x, scale, zeroPoint, ts);
  assert.equal(nanWasm, nanTs, `${label}: first NaN`);
  if (nanTs < 0) {
    for (let i = 0; i < x.length; i++) {
      if (wasm[i] !== ts[i]) assert.fail(`${label}: x[${i}] = ${x[i]} quantizes to ${wasm[i]}, the twin says ${ts[i]}`);
    }
  }
  return ts;
}

test("the kernel runs here by default", () => {
  assert.equal(quantizeKernel(), "wasm");
});

test("every zero-point, power-of-two and other scales, random values over and beyond the range: the twin's levels", () => {
  const next = seededUniform(5);
  const scales = [1 / 16, 1 / 255, 2 / 255, 0.1, 1, 3, 2 ** -10, 2 ** 20, 2 ** -130, 2 ** 130, 0.007843137718737125];
  for (const scale of scales) {
    for (let zeroPoint = 0; zeroPoint <= 255; zeroPoint += 15) {
      // Values spread over about twice the representable range, so that both clamps are taken.
      const x = Float32Array.from({ length: 203 }, () => (next() * 2 - 1) * 300 * scale);
      bothPaths(x, scale, zeroPoint, `scale ${scale}, zero-point ${zeroPoint}`);
    }
  }
});

test("ties round half to even; ±Infinity saturate; -0, subnormals and the largest float32 are levels too", () => {
  const x = Float32Array.of(
    0.5, 1.5, 2.5, -0.5, -1.5, 126.5, 127.5, 254.5, 255.5, -0, 0,
    Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38,
  );
  const levels = bothPaths(x, 1, 0, "scale 1");
  assert.deepEqual(Array.from(levels), [0, 2, 2, 0, 0, 126, 128, 254, 255, 0, 0, 255, 0, 0, 0, 255, 0]);
  const shifted = bothPaths(x, 1, 128, "scale 1, zero-point 128");
  assert.deepEqual(Array.from(shifted.subarray(0, 5)), [128, 130, 130, 128, 126]);
  for (const scale of [0.5, 0.1, 2 ** -140, 2 ** 140]) bothPaths(x, scale, 7, `specials, scale ${scale}`);
});

test("lengths around the 16-value step and past one 16 384-value chunk; the first NaN is found wherever it is", () => {
  const next = seededUniform(6);
  for (const n of [0, 1, 15, 16, 17, 31, 33, 16383, 16384, 16385, 40000]) {
    const x = Float32Array.from({ length: n }, () => next() * 1.2 - 0.1);
    bothPaths(x, 1 / 255, 0, `n ${n}`);
    bothPaths(x, 0.3 / 255, 9, `n ${n}, division`);
  }
  for (const at of [0, 5, 16, 16383, 16384, 39999]) {
    const x = Float32Array.from({ length: 40000 }, () => next());
    x[at] = Number.NaN;
    const later = Math.min(39999, at + 1 + ((at * 7) % 50));
    if (later > at) x[later] = Number.NaN; // a later NaN does not hide the first
    for (const scale of [1 / 16, 0.1]) {
      const out = new Uint8Array(x.length);
      assert.equal(quantizeUint8(x, scale, 0, out), at, `NaN at ${at}, scale ${scale}`);
      assert.equal(quantizeUint8Reference(x, scale, 0, out), at);
    }
  }
});

test("the digits' pixels p/16 come back as p, on both paths", () => {
  const x = Float32Array.from({ length: 17 * 3 }, (_, i) => (i % 17) / 16);
  assert.deepEqual(Array.from(bothPaths(x, 1 / 16, 0, "digits")), Array.from({ length: 51 }, (_, i) => i % 17));
});

test("an output of the wrong length is refused before any work", () => {
  assert.throws(() => quantizeUint8(new Float32Array(4), 1, 0, new Uint8Array(3)), /quantizeUint8: out has 3 elements, expected 4/);
});
