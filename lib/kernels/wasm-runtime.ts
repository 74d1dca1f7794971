/**
 * How the project runs its WebAssembly. The kernels are AssemblyScript sources, `lib/kernels/<name>.as.ts.in`,
 * compiled by `npm run build` (`scripts/build-wasm.ts`) into `<name>.wasm` beside this module's compiled JavaScript
 * (`dist/lib/kernels/`). They are read from there — relative to this file, never to the working folder, so a
 * notebook in any folder finds them — compiled once per process when first needed ({@link loadWasmModule}), and
 * instantiated on a {@link WasmArena}, a growable memory with typed views. The modules:
 *
 * | module             | what it computes                                              | used by                      |
 * | ------------------ | ------------------------------------------------------------- | ---------------------------- |
 * | `logistic-kernels` | the two products of the L-BFGS training (float64 SIMD)        | `trainLogisticRegression`    |
 * | `predict-kernel`   | float64 scores, bit-identical to `predictFp32`'s arithmetic   | `linearScores`, `wasmScores` |
 * | `gemm`             | int8 (`i32x4.dot_i16x8_s`) and float32 SIMD layers            | `predictInt8Wasm`, …         |
 * | `quantize`         | float32 activations → uint8 (float64 SIMD, half to even)      | `quantizeActivations`        |
 * | `dot-peak`         | the SIMD limit: `i32x4.dot_i16x8_s` throughput on registers   | `npm run bench`              |
 *
 * All of them need WebAssembly SIMD (Node ≥ 16.4, current browsers). Where it is missing, {@link loadWasmModule}
 * returns null and {@link wasmSimdAvailable} is false: the training, the predict kernel and the activation
 * quantization fall back to their plain TypeScript twins, and the int8/f32 SIMD layers throw an error that says so
 * ({@link wasmSimdRequired}).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The compiled modules of the project (`dist/lib/kernels/<name>.wasm`). */
export type WasmModuleName = "logistic-kernels" | "predict-kernel" | "gemm" | "quantize" | "dot-peak";

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

/** Where the compiled module `name` is: beside this file's compiled JavaScript. */
export function wasmModulePath(name: WasmModuleName): string {
  return path.join(__dirname, `${name}.wasm`);
}

const compiled = new Map<WasmModuleName, WebAssembly.Module | null>();

/**
 * The compiled module `name`, read and compiled on the first call, then the same one every time; `null` when this
 * runtime cannot compile it (no WebAssembly, or no SIMD): the caller then takes its TypeScript path or throws
 * {@link wasmSimdRequired}.
 *
 * @throws Error when the file is missing (the kernels are built by `npm run build`).
 * @example
 * const module = loadWasmModule("gemm"); // WebAssembly.Module on Node 20
 */
export function loadWasmModule(name: WasmModuleName): WebAssembly.Module | null {
  let module = compiled.get(name);
  if (module === undefined) {
    const file = wasmModulePath(name);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : `cannot be read (${(err as Error).message})`;
      throw new Error(`${file} ${why}: the WebAssembly kernels are compiled by \`npm run build\` (scripts/build-wasm.ts)`);
    }
    module = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    compiled.set(name, module);
  }
  return module;
}

/**
 * Whether this runtime runs the project's WebAssembly SIMD (Node ≥ 16.4 does): whether it accepts the smallest of
 * its modules, once per process.
 *
 * @example
 * wasmSimdAvailable(); // true on Node 20
 */
export function wasmSimdAvailable(): boolean {
  return loadWasmModule("dot-peak") !== null;
}

/** The error to throw when a SIMD kernel is asked for where SIMD is missing: who asked, and what to use instead. */
export function wasmSimdRequired(caller: string, instead: string): Error {
  return new Error(`${caller}: WebAssembly SIMD is not available in this runtime (Node ≥ 16.4 has it); ${instead}`);
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
