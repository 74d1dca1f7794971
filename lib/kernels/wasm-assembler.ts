/**
 * The one WebAssembly assembler of the project: the binary encoding (LEB128, vectors, sections, opcodes) and a
 * small instruction builder, enough to write SIMD kernels directly as bytes, with no toolchain. Every module of
 * the project is written with it and assembled when first needed: the L-BFGS kernels (`lib/logistic-kernels.ts`),
 * the predict kernel (`lib/predict-kernel.ts`) and the int8/f32 layers (`lib/wasm-kernels-gen.ts`); compiling
 * and instantiating them is `lib/wasm-runtime.ts`.
 *
 * Everything here is pure: the same arguments give the same bytes, so a module can be rebuilt and compared
 * byte for byte (`test/wasm-assembler.test.ts` pins each module's SHA-256).
 *
 * @example
 * const add = new Code().get(0).get(1).op(OP.i32Add);
 * const bytes = assembleModule({
 *   types: [funcType([VALTYPE.i32, VALTYPE.i32], [VALTYPE.i32])],
 *   functions: [{ type: 0, export: "add", body: funcBody([], add) }],
 * });
 * (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.add as (a: number, b: number) => number)(2, 3); // 5
 */

/** Value types, as they are encoded. */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

/** The block type of a `block`/`loop` that takes and leaves nothing on the stack. */
export const EMPTY_BLOCK = 0x40;

/** Core opcodes used by the kernels (one byte each). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f32Add: 0x92,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
  /** The prefix of the SIMD instructions; see {@link SIMD}. */
  simd: 0xfd,
} as const;

/** SIMD opcodes (the LEB128 number after the 0xFD prefix), as in the WebAssembly SIMD spec. */
export const SIMD = {
  v128Load: 0x00,
  load8x8S: 0x01,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f64x2Splat: 0x14,
  i32x4ExtractLane: 0x1b,
  f32x4ExtractLane: 0x1f,
  f64x2ExtractLane: 0x21,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
} as const;

/** Unsigned LEB128, as WebAssembly encodes sizes, counts and indices (0 ≤ value < 2³²). */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128, for `i32.const` (a 32-bit integer). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A name: its UTF-8 length, then its bytes. */
export function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: the item count, then the items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its size, then its body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A function type: `params → results`. */
export function funcType(params: readonly number[], results: readonly number[] = []): number[] {
  return [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
}

/**
 * A function body of the code section: its locals, as runs of `[count, type]` (after the parameters), and its
 * instructions; the closing `end` is added here.
 */
export function funcBody(locals: ReadonlyArray<readonly [count: number, type: number]>, code: Code | readonly number[]): number[] {
  const instructions = code instanceof Code ? code.bytes : code;
  const bytes = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...instructions, OP.end];
  return [...uleb(bytes.length), ...bytes];
}

/** A memory import entry: `(import module field (memory min))`, no maximum. */
export function memoryImport(module: string, field: string, minPages: number): number[] {
  return [...name(module), ...name(field), 0x02, 0x00, ...uleb(minPages)];
}

/** What {@link assembleModule} puts in a module. */
export interface ModuleSpec {
  /** Function types, from {@link funcType}. */
  readonly types: readonly number[][];
  /** Import entries, e.g. {@link memoryImport}. */
  readonly imports?: readonly number[][];
  /** The functions in index order: type index, export name (if exported), body from {@link funcBody}. */
  readonly functions: ReadonlyArray<{ readonly type: number; readonly export?: string; readonly body: number[] }>;
}

/**
 * A whole module: the header, then the type, import, function, export and code sections (in that order, as
 * the binary format requires). Exports are the named functions, in index order.
 */
export function assembleModule(spec: ModuleSpec): Uint8Array {
  const exports = spec.functions.flatMap((f, index) => (f.export === undefined ? [] : [[...name(f.export), 0x00, ...uleb(index)]]));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vec(spec.types.map((t) => [...t]))),
    ...(spec.imports && spec.imports.length > 0 ? section(2, vec(spec.imports.map((i) => [...i]))) : []),
    ...section(3, vec(spec.functions.map((f) => uleb(f.type)))),
    ...(exports.length > 0 ? section(7, vec(exports)) : []),
    ...section(10, vec(spec.functions.map((f) => f.body))),
  ]);
}

/** A memarg: alignment exponent (log2 of the bytes) and constant offset. */
export function memarg(align: number, offset: number): number[] {
  return [...uleb(align), ...uleb(offset)];
}

/** A function's instructions under construction: a flat list of bytes, appended by chained calls. */
export class Code {
  readonly bytes: number[] = [];

  /** Appends raw bytes (an opcode and its immediates). */
  op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  get(local: number): this {
    return this.op(OP.localGet, ...uleb(local));
  }
  set(local: number): this {
    return this.op(OP.localSet, ...uleb(local));
  }
  tee(local: number): this {
    return this.op(OP.localTee, ...uleb(local));
  }
  /** `i32.const value`. */
  i32(value: number): this {
    return this.op(OP.i32Const, ...sleb(value));
  }
  /** `block` with the empty block type. */
  block(): this {
    return this.op(OP.block, EMPTY_BLOCK);
  }
  /** `loop` with the empty block type. */
  loop(): this {
    return this.op(OP.loop, EMPTY_BLOCK);
  }
  end(): this {
    return this.op(OP.end);
  }
  br(depth: number): this {
    return this.op(OP.br, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(OP.brIf, ...uleb(depth));
  }
  /** A load or store: `opcode`, then its memarg. */
  mem(opcode: number, align: number, offset: number): this {
    return this.op(opcode, ...memarg(align, offset));
  }
  /** A SIMD instruction: the 0xFD prefix, the LEB128 opcode, then its immediates (memarg, lane, bytes). */
  simd(opcode: number, ...immediates: number[]): this {
    return this.op(OP.simd, ...uleb(opcode), ...immediates);
  }
  /** `v128.load` with the given alignment exponent and offset. */
  v128Load(align: number, offset: number): this {
    return this.simd(SIMD.v128Load, ...memarg(align, offset));
  }
  /** `v128.store` with the given alignment exponent and offset. */
  v128Store(align: number, offset: number): this {
    return this.simd(SIMD.v128Store, ...memarg(align, offset));
  }
  /** `v128.const` of sixteen zero bytes. */
  v128Zero(): this {
    return this.simd(SIMD.v128Const, ...new Array<number>(16).fill(0));
  }
}
