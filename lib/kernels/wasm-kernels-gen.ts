/**
 * The WebAssembly SIMD kernels of `lib/wasm-kernels.ts`, written as instructions with the project's assembler
 * (`lib/wasm-assembler.ts`), so the project needs no WebAssembly toolchain and commits no binary: the module is
 * assembled when `lib/wasm-kernels.ts` first needs it (about 3 KB, a millisecond), the same bytes every time
 * (`test/wasm-assembler.test.ts` pins them by their SHA-256).
 *
 * The module imports its memory (`env.memory`) and exports four functions with one signature,
 *
 *     gemm_<type>_<MR>x<NR>(x, xStride, nRows, w, wStride, kRows, depthBytes, out, outStride)   (all i32)
 *
 * which compute, for every sample row `i < nRows` and weight row `c < kRows`,
 *
 *     out[i, c] = Σ_j x[i, j] · w[c, j]        (a dot product of two rows: X · Wᵀ)
 *
 * - `i16i8`: `x` int16 (the uint8 activations, widened once per call by the caller: a plain 16-byte load then
 *   feeds the multiply, instead of a widening load per weight row), `w` int8 widened 8 at a time by
 *   `v128.load8x8_s`; `i32x4.dot_i16x8_s` (x86 `pmaddwd`) multiplies 8 pairs and adds neighbours: 8
 *   multiply-adds per instruction, exact int32 sums (|x·w| ≤ 255·128, so no overflow below 65793 columns).
 * - `f32`: `x` and `w` float32, `f32x4.mul` + `f32x4.add`: the float baseline, 4 multiply-adds per pair
 *   of instructions, summed in float32 (four partial sums per accumulator).
 *
 * Layout contract (the caller, `lib/wasm-kernels.ts`, pads to it): rows of `x` start every `xStride` bytes and
 * rows of `w` every `wStride` bytes; `depthBytes` is the padded row length of `w` in bytes (the rows of `x`
 * hold as many elements), zero-filled past the real columns, a positive multiple of 16 for `i16i8` and of 32
 * for `f32`; `nRows` is a multiple of MR and `kRows` of NR; `out` rows are `outStride` bytes apart, one
 * int32/float32 per weight row.
 *
 * Each call runs a register-blocked micro-kernel: MR sample rows × NR weight rows of accumulators, so one
 * load of a sample chunk feeds NR dot products and one weight chunk feeds MR. 4×2 is for batches, 1×4 for
 * the rows a batch of 4 leaves over (and batch 1, matrix-vector).
 *
 * The encoding (LEB128, sections, opcodes, the instruction builder) is `lib/wasm-assembler.ts`, shared with every
 * other WebAssembly module of the project (see `lib/wasm-runtime.ts`).
 *
 * @example
 * const bytes = buildKernelsWasm(); // Uint8Array, a valid module (WebAssembly.validate(bytes) === true)
 */
import { Code, OP, SIMD, VALTYPE, assembleModule, funcBody, funcType, memarg, memoryImport } from "./wasm-assembler";

/** The kernels the module exports, by name: element type and micro-kernel shape. */
export const KERNEL_SPECS = [
  { name: "gemm_i16i8_4x2", type: "i16i8", mr: 4, nr: 2 },
  { name: "gemm_i16i8_1x4", type: "i16i8", mr: 1, nr: 4 },
  { name: "gemm_f32_4x2", type: "f32", mr: 4, nr: 2 },
  { name: "gemm_f32_1x4", type: "f32", mr: 1, nr: 4 },
] as const;

/** Names of the exported kernels. */
export type KernelName = (typeof KERNEL_SPECS)[number]["name"];

/** Bytes each kernel type consumes per loop iteration (the padding unit of `depthBytes`). */
export const DEPTH_STEP_BYTES = { i16i8: 16, f32: 32 } as const;

/** Element types of the kernels: `i16i8` (x int16, w int8) and `f32`. */
export type KernelType = keyof typeof DEPTH_STEP_BYTES;

// --- the kernels -------------------------------------------------------------------------------------

// Parameter indices (all i32).
const P = { x: 0, xStride: 1, nRows: 2, w: 3, wStride: 4, kRows: 5, depth: 6, out: 7, outStride: 8 } as const;
const N_PARAMS = 9;

function kernelBody(type: KernelType, mr: number, nr: number): number[] {
  // Locals after the parameters: i, c, j, jx, ob, xp[mr], wp[nr] (i32); acc[mr][nr], xv[mr], wv (v128).
  let next = N_PARAMS;
  const i = next++;
  const c = next++;
  const j = next++;
  const jx = next++; // byte offset into the x rows: 2·j when x is int16, j for f32
  const ob = next++;
  const xp = Array.from({ length: mr }, () => next++);
  const wp = Array.from({ length: nr }, () => next++);
  const nI32 = next - N_PARAMS;
  const acc = Array.from({ length: mr }, () => Array.from({ length: nr }, () => next++));
  const xv = Array.from({ length: mr }, () => next++);
  const wv = next++;
  const nV128 = next - N_PARAMS - nI32;

  const step = type === "f32" ? 16 : 8; // bytes of w per SIMD load
  const unroll = DEPTH_STEP_BYTES[type] / step;
  const integer = type !== "f32";
  const k = new Code();

  // i = 0; block { loop { if (i >= nRows) break;
  k.i32(0).set(i);
  k.block().loop();
  k.get(i).get(P.nRows).op(OP.i32GeU).brIf(1);
  //   c = 0; block { loop { if (c >= kRows) break;
  k.i32(0).set(c);
  k.block().loop();
  k.get(c).get(P.kRows).op(OP.i32GeU).brIf(1);
  //     row pointers: xp[r] = x + (i + r) * xStride, wp[q] = w + (c + q) * wStride
  for (let r = 0; r < mr; r++) {
    k.get(P.x).get(i);
    if (r > 0) k.i32(r).op(OP.i32Add);
    k.get(P.xStride).op(OP.i32Mul, OP.i32Add).set(xp[r]);
  }
  for (let q = 0; q < nr; q++) {
    k.get(P.w).get(c);
    if (q > 0) k.i32(q).op(OP.i32Add);
    k.get(P.wStride).op(OP.i32Mul, OP.i32Add).set(wp[q]);
  }
  //     accumulators = 0
  for (let r = 0; r < mr; r++) {
    for (let q = 0; q < nr; q++) k.v128Zero().set(acc[r][q]);
  }
  //     j = 0; do { ... j += step * unroll } while (j < depth)
  k.i32(0).set(j);
  k.loop();
  if (type === "i16i8") k.get(j).i32(1).op(OP.i32Shl).set(jx);
  else k.get(j).set(jx);
  for (let u = 0; u < unroll; u++) {
    const offset = u * step;
    for (let r = 0; r < mr; r++) {
      k.get(xp[r]).get(jx).op(OP.i32Add);
      k.v128Load(4, integer ? 2 * offset : offset);
      k.set(xv[r]);
    }
    for (let q = 0; q < nr; q++) {
      k.get(wp[q]).get(j).op(OP.i32Add);
      if (integer) k.simd(SIMD.load8x8S, ...memarg(3, offset));
      else k.v128Load(4, offset);
      k.set(wv);
      for (let r = 0; r < mr; r++) {
        k.get(acc[r][q]).get(xv[r]).get(wv);
        if (integer) k.simd(SIMD.i32x4DotI16x8S).simd(SIMD.i32x4Add);
        else k.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
        k.set(acc[r][q]);
      }
    }
  }
  k.get(j).i32(step * unroll).op(OP.i32Add).set(j);
  k.get(j).get(P.depth).op(OP.i32LtU).brIf(0).end();
  //     ob = out + i * outStride + c * 4; out[i + r, c + q] = horizontal sum of acc[r][q]
  k.get(P.out).get(i).get(P.outStride).op(OP.i32Mul, OP.i32Add).get(c).i32(4).op(OP.i32Mul, OP.i32Add).set(ob);
  for (let r = 0; r < mr; r++) {
    for (let q = 0; q < nr; q++) {
      k.get(ob);
      if (r > 0) k.get(P.outStride).i32(r).op(OP.i32Mul, OP.i32Add);
      const extract = integer ? SIMD.i32x4ExtractLane : SIMD.f32x4ExtractLane;
      const add = integer ? OP.i32Add : OP.f32Add;
      k.get(acc[r][q]).simd(extract, 0);
      for (let lane = 1; lane < 4; lane++) k.get(acc[r][q]).simd(extract, lane).op(add);
      k.mem(integer ? OP.i32Store : OP.f32Store, 2, q * 4);
    }
  }
  //     c += NR } }
  k.get(c).i32(nr).op(OP.i32Add).set(c).br(0).end().end();
  //   i += MR } }
  k.get(i).i32(mr).op(OP.i32Add).set(i).br(0).end().end();

  return funcBody([[nI32, VALTYPE.i32], [nV128, VALTYPE.v128]], k);
}

/**
 * Assembles the kernels module (see the file comment): the same bytes every time, no dependencies.
 *
 * @example
 * const mod = new WebAssembly.Module(buildKernelsWasm());
 * WebAssembly.Module.exports(mod).map((e) => e.name); // ["gemm_i16i8_4x2", "gemm_i16i8_1x4", ...]
 */
export function buildKernelsWasm(): Uint8Array {
  return assembleModule({
    types: [funcType(new Array<number>(N_PARAMS).fill(VALTYPE.i32))],
    imports: [memoryImport("env", "memory", 1)],
    functions: KERNEL_SPECS.map((s) => ({ type: 0, export: s.name, body: kernelBody(s.type, s.mr, s.nr) })),
  });
}
