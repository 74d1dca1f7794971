/**
 * How the project runs its WebAssembly: every module is assembled from its instructions with
 * `lib/wasm-assembler.ts` when it is first needed (no committed binaries, no toolchain), compiled once per
 * process, and instantiated on a {@link WasmArena}, a growable memory with typed views. The modules:
 *
 * | module                    | what it computes                                         | used by                 |
 * | ------------------------- | -------------------------------------------------------- | ----------------------- |
 * | `lib/logistic-kernels.ts` | the two products of the L-BFGS training (float64 SIMD)   | `trainLogisticRegression` |
 * | `lib/predict-kernel.ts`   | float64 scores of `predictFp32` / `predictInt8`          | `lib/predict.ts`        |
 * | `lib/wasm-kernels-gen.ts` | int8 and float32 SIMD layers (`lib/wasm-kernels.ts`)     | `predictInt8Wasm`, …    |
 *
 * All of them need WebAssembly SIMD (Node ≥ 16.4, current browsers). Where it is missing,
 * {@link wasmSimdAvailable} is false, the training and the predict kernel fall back to their plain-JavaScript
 * versions, and the int8/f32 SIMD layers throw an error that says so ({@link wasmSimdRequired}).
 */
import { Code, VALTYPE, assembleModule, funcBody, funcType } from "./wasm-assembler";

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

/** `v` rounded up to a multiple of `m`. */
export const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

let simd: boolean | undefined;

/**
 * Whether this runtime runs WebAssembly SIMD (Node ≥ 16.4 does): it validates a tiny module with one `v128`
 * local, once per process.
 *
 * @example
 * wasmSimdAvailable(); // true on Node 20
 */
export function wasmSimdAvailable(): boolean {
  if (simd === undefined) {
    const probe = assembleModule({
      types: [funcType([])],
      functions: [{ type: 0, body: funcBody([[1, VALTYPE.v128]], new Code().v128Zero().set(0)) }],
    });
    simd = typeof WebAssembly === "object" && WebAssembly.validate(probe);
  }
  return simd;
}

/** The error to throw when a SIMD kernel is asked for where SIMD is missing: who asked, and what to use instead. */
export function wasmSimdRequired(caller: string, instead: string): Error {
  return new Error(`${caller}: WebAssembly SIMD is not available in this runtime (Node ≥ 16.4 has it); ${instead}`);
}

/**
 * Compiles `bytes`, or returns `null` when this runtime cannot (no WebAssembly, or no SIMD): the caller then
 * takes its plain-JavaScript path or throws {@link wasmSimdRequired}.
 */
export function compileIfSupported(bytes: Uint8Array): WebAssembly.Module | null {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * A module assembled and compiled on first use, then cached: `build` runs at most once per process. The
 * getter returns `null` when the runtime cannot compile it (see {@link compileIfSupported}).
 *
 * @example
 * const kernelModule = lazyWasmModule(buildKernelsWasm);
 * kernelModule(); // WebAssembly.Module, the same one on every call
 */
export function lazyWasmModule(build: () => Uint8Array): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) compiled = compileIfSupported(build());
    return compiled;
  };
}

/**
 * A WebAssembly memory (imported by the module as `env.memory`) with the module instantiated on it, and typed
 * views of the whole memory, renewed when it grows (so a view taken before {@link ensure} may be detached).
 */
export class WasmArena<Exports> {
  readonly memory: WebAssembly.Memory;
  /** The instance's exports (the kernels). */
  readonly exports: Exports;
  u8!: Uint8Array;
  i16!: Int16Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;

  /** A memory of at least `bytes` (one page at the least) and the module instantiated on it. */
  constructor(module: WebAssembly.Module, bytes: number) {
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES)) });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.views();
  }

  /** Bytes of memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows the memory to at least `bytes`, renewing the views; nothing happens when it is already that large. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
    this.views();
  }

  private views(): void {
    const { buffer } = this.memory;
    this.u8 = new Uint8Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}
