/**
 * The WebAssembly SIMD limit of the int8 kernels, measured on this machine: loops of `i32x4.dot_i16x8_s` on
 * registers only (`dot-peak.as.ts.in`), for the share of it our kernels reach (`npm run bench`). Two figures:
 *
 * - {@link DotPeak.dotAdd}: `i32x4.add(acc, i32x4.dot_i16x8_s(…))`, the multiply-accumulate an int8 kernel is made
 *   of — the limit quoted (on x86, `pmaddwd` + `paddd`: two instructions per 8 multiply-adds);
 * - {@link DotPeak.dot}: `i32x4.dot_i16x8_s` alone, the instruction's own throughput (`pmaddwd`: two a cycle on
 *   recent Intel cores), which no kernel reaches, since its sums must be added up.
 */
import { loadWasmModule, wasmSimdRequired } from "./wasm-runtime";

/** Multiply-adds per iteration of either loop: 12 chains × 8 int16 pairs. */
export const DOT_PEAK_MACS_PER_ITERATION = 96;

/** The two loops: each runs `iterations` iterations and returns a value only so that it is not optimised away. */
export interface DotPeak {
  dotAdd(iterations: number): number;
  dot(iterations: number): number;
}

let shared: DotPeak | undefined;

/**
 * The compiled loops (see the file comment).
 *
 * @throws Error where WebAssembly SIMD is missing.
 * @example
 * const peak = dotPeak();
 * const t0 = performance.now(); peak.dotAdd(2e6); // 192 M multiply-adds
 * const gmacs = (2e6 * DOT_PEAK_MACS_PER_ITERATION) / ((performance.now() - t0) * 1e6);
 */
export function dotPeak(): DotPeak {
  if (shared === undefined) {
    const module = loadWasmModule("dot-peak");
    if (module === null) throw wasmSimdRequired("dotPeak", "there is no SIMD limit to measure");
    const memory = new WebAssembly.Memory({ initial: 0 });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as {
      dot_add_peak(n: number, seed: number): number;
      dot_peak(n: number, seed: number): number;
    };
    shared = { dotAdd: (n) => exports.dot_add_peak(n, 3), dot: (n) => exports.dot_peak(n, 3) };
  }
  return shared;
}
