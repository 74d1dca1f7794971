/**
 * `npm run build`, second step: the WebAssembly kernels, compiled from their AssemblyScript sources into `dist/`.
 *
 *     node dist/scripts/build-wasm.js            builds the modules whose source (or flags) changed
 *     node dist/scripts/build-wasm.js --force    rebuilds every module
 *
 * Every WebAssembly source is an AssemblyScript template, `lib/kernels/<source>.as.ts.in` (TypeScript syntax with
 * `v128` and the SIMD instructions under their spec names, `i32x4.dot_i16x8_s`). For each module of
 * {@link MODULES} this script expands its template ({@link expandTemplate}) into `dist/lib/kernels/<name>.as.ts`
 * (kept, so that a compile error points at a line you can read), compiles that with AssemblyScript's `asc` into
 * `dist/lib/kernels/<name>.wasm`, next to the compiled JavaScript that loads it (`lib/kernels/wasm-runtime.ts`),
 * and writes the module's text, `<name>.wat`, beside it for reading. Nothing binary is committed.
 *
 * A module is rebuilt only when its expanded source, its flags or the compiler's version changed (a SHA-256 of the
 * three, kept in `<name>.wasm.sha256`), so running the build again costs nothing.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE_DIR = path.join(ROOT, "lib", "kernels");
const OUT_DIR = path.join(ROOT, "dist", "lib", "kernels");

/** One WebAssembly module: its template, the template's variables, and the WebAssembly features it needs. */
export interface WasmModuleSpec {
  /** Output name: `dist/lib/kernels/<name>.wasm`. */
  readonly name: string;
  /** Template: `lib/kernels/<source>.as.ts.in`. */
  readonly source: string;
  /** Variables the template sees (e.g. `RELAXED`). */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Features beyond the MVP, as `asc --enable` names them. */
  readonly features: readonly ("simd" | "relaxed-simd")[];
}

/** The project's modules (what each computes: `lib/kernels/wasm-runtime.ts`). */
export const MODULES: readonly WasmModuleSpec[] = [
  { name: "gemm", source: "gemm", features: ["simd"] },
  { name: "quantize", source: "quantize", features: ["simd"] },
  { name: "predict-kernel", source: "predict-kernel", features: ["simd"] },
  { name: "logistic-kernels", source: "logistic-kernels", features: ["simd"] },
  { name: "dot-peak", source: "dot-peak", features: ["simd"] },
];

/**
 * The compiler flags of every module: optimised (Binaryen -O3), no runtime (the kernels allocate nothing), the
 * memory imported as `env.memory` (the TypeScript side owns it and lays the data out), no `abort` import.
 */
const ASC_FLAGS = ["-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--initialMemory", "0", "--use", "abort="];

/** A template error: the template, the line and what is wrong. */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/**
 * Expands a kernel template, in the manner of XNNPACK's `xngen` (its micro-kernels are written once as a template
 * and expanded for each register-tile shape MR×NR). Three forms, all else copied as it is:
 *
 * - `${expr}` anywhere in a line: replaced by the value of the JavaScript expression `expr` (`$${` stands for a
 *   literal `${`);
 * - a line `$for a in expr:` (or `$for a, b in expr:`, destructuring): the lines after it that are indented
 *   deeper (its body) are repeated for each element of `expr`, an array (`range(n)`, `range(a, b)` and
 *   `range(a, b, step)` give integers, as in Python), un-indented by 2; `$if expr:`, `$elif expr:` and `$else:` keep or drop their body likewise;
 * - a line `$name = expr`: sets a variable for the lines after it (in the same block and deeper).
 *
 * Expressions see the variables set so far (`vars`, then `$for` and `$name =`) and `range`.
 *
 * @param text - the template.
 * @param vars - initial variables, e.g. `{ RELAXED: false }`.
 * @param file - the template's name, for errors.
 * @example
 * expandTemplate("$for r in range(2):\n  let acc${r} = 0;\n", {}, "t"); // "let acc0 = 0;\nlet acc1 = 0;\n"
 */
export function expandTemplate(text: string, vars: Readonly<Record<string, unknown>>, file: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  expandBlock(lines, 0, lines.length, 0, { ...vars }, out, file);
  return out.join("\n");
}

/** Python's `range`: `range(n)`, `range(a, b)`, `range(a, b, step)` (step > 0). */
const range = (a: number, b?: number, step = 1): number[] => {
  const [lo, hi] = b === undefined ? [0, a] : [a, b];
  return Array.from({ length: Math.max(0, Math.ceil((hi - lo) / step)) }, (_, i) => lo + i * step);
};

function evaluate(expr: string, scope: Record<string, unknown>, where: string): unknown {
  const names = Object.keys(scope);
  try {
    // A build-time template of this repository, evaluated with its own variables only.
    return new Function("range", ...names, `"use strict"; return (${expr});`)(range, ...names.map((n) => scope[n]));
  } catch (err) {
    throw new TemplateError(`${where}: cannot evaluate \`${expr}\`: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** The end (exclusive) of the body of the directive at `start`: the lines after it indented deeper, blank ones included. */
function bodyEnd(lines: readonly string[], start: number, end: number): number {
  const indent = indentOf(lines[start]);
  let last = start;
  for (let i = start + 1; i < end; i++) {
    if (lines[i].trim() === "") continue;
    if (indentOf(lines[i]) <= indent) break;
    last = i;
  }
  return last + 1;
}

/** Expands `lines[start, end)`, removing `dedent` spaces from each line copied. */
function expandBlock(
  lines: readonly string[],
  start: number,
  end: number,
  dedent: number,
  scope: Record<string, unknown>,
  out: string[],
  file: string,
): void {
  let i = start;
  // Whether an `$if`/`$elif` chain in this block has already taken a branch (null: not in a chain).
  let chainTaken: boolean | null = null;
  while (i < end) {
    const line = lines[i];
    const where = `${file}:${i + 1}`;
    const directive = line.trimStart();
    if (!directive.startsWith("$") || directive.startsWith("${")) {
      chainTaken = null;
      if (line.trim() !== "" && indentOf(line) < dedent) throw new TemplateError(`${where}: this line is indented less than its block`);
      out.push(substitute(line.slice(Math.min(dedent, indentOf(line))), scope, where));
      i++;
      continue;
    }
    const stop = bodyEnd(lines, i, end);
    const inner = dedent + 2; // a body loses 2 spaces: it lines up with its directive
    let m: RegExpMatchArray | null;
    if ((m = directive.match(/^\$for\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\s+(.+):\s*$/))) {
      chainTaken = null;
      const names = m[1].split(",").map((s) => s.trim());
      const items = evaluate(m[2], scope, where);
      if (!Array.isArray(items)) throw new TemplateError(`${where}: \`${m[2]}\` is not an array`);
      for (const item of items) {
        const bound: Record<string, unknown> = { ...scope };
        if (names.length === 1) bound[names[0]] = item;
        else {
          if (!Array.isArray(item) || item.length !== names.length) {
            throw new TemplateError(`${where}: ${JSON.stringify(item)} does not destructure into ${names.join(", ")}`);
          }
          names.forEach((n, k) => (bound[n] = item[k]));
        }
        expandBlock(lines, i + 1, stop, inner, bound, out, file);
      }
    } else if ((m = directive.match(/^\$(if|elif)\s+(.+):\s*$/))) {
      if (m[1] === "elif" && chainTaken === null) throw new TemplateError(`${where}: $elif without $if`);
      const take: boolean = !(m[1] === "elif" && chainTaken === true) && Boolean(evaluate(m[2], scope, where));
      if (take) expandBlock(lines, i + 1, stop, inner, { ...scope }, out, file);
      chainTaken = (m[1] === "elif" && chainTaken === true) || take;
    } else if (/^\$else:\s*$/.test(directive)) {
      if (chainTaken === null) throw new TemplateError(`${where}: $else without $if`);
      if (!chainTaken) expandBlock(lines, i + 1, stop, inner, { ...scope }, out, file);
      chainTaken = null;
    } else if ((m = directive.match(/^\$([A-Za-z_]\w*)\s*=\s*(.+)$/))) {
      chainTaken = null;
      scope[m[1]] = evaluate(m[2], scope, where);
      i++;
      continue;
    } else {
      throw new TemplateError(`${where}: unknown directive \`${directive}\` (expected $for, $if, $elif, $else or $name = …)`);
    }
    i = stop;
  }
}

function substitute(line: string, scope: Record<string, unknown>, where: string): string {
  return line.replace(/\$\$\{|\$\{([^}]*)\}/g, (_: string, expr: string | undefined) =>
    expr === undefined ? "${" : String(evaluate(expr, scope, where)),
  );
}

/** Runs `asc` on one expanded source; resolves with its output, rejects with its diagnostics. */
function compile(asc: string, source: string, wasm: string, wat: string, features: readonly string[]): Promise<void> {
  const args = [asc, source, "-o", wasm, "-t", wat, ...ASC_FLAGS, ...features.flatMap((f) => ["--enable", f])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`asc failed on ${path.relative(ROOT, source)} (exit ${code}):\n${log}`))));
  });
}

/** Builds the modules of {@link MODULES} that are out of date (all of them with `force`); returns the names built. */
export async function buildWasm(options: { force?: boolean } = {}): Promise<string[]> {
  const asc = require.resolve("assemblyscript/bin/asc.js");
  const ascVersion = (JSON.parse(fs.readFileSync(require.resolve("assemblyscript/package.json"), "utf8")) as { version: string }).version;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const jobs: Promise<string>[] = [];
  for (const spec of MODULES) {
    const template = path.join(SOURCE_DIR, `${spec.source}.as.ts.in`);
    const expanded = expandTemplate(fs.readFileSync(template, "utf8"), spec.vars ?? {}, path.relative(ROOT, template));
    const header = `// Generated by scripts/build-wasm.ts from lib/kernels/${spec.source}.as.ts.in (${JSON.stringify(spec.vars ?? {})}): edit that.\n`;
    const source = path.join(OUT_DIR, `${spec.name}.as.ts`);
    const wasm = path.join(OUT_DIR, `${spec.name}.wasm`);
    const stamp = `${wasm}.sha256`;
    const digest = createHash("sha256").update(header + expanded).update(JSON.stringify([ASC_FLAGS, spec.features, ascVersion])).digest("hex");
    const upToDate = fs.existsSync(wasm) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === digest;
    if (upToDate && !options.force) continue;
    fs.writeFileSync(source, header + expanded);
    jobs.push(
      compile(asc, source, wasm, path.join(OUT_DIR, `${spec.name}.wat`), spec.features).then(() => {
        fs.writeFileSync(stamp, digest);
        return spec.name;
      }),
    );
  }
  return Promise.all(jobs);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--force");
  if (unknown.length > 0) {
    console.error(`usage: node dist/scripts/build-wasm.js [--force]   (unknown: ${unknown.join(" ")})`);
    process.exitCode = 2;
  } else {
    buildWasm({ force: args.includes("--force") }).then(
      (built) => {
        if (built.length > 0) console.log(`build-wasm: ${built.map((n) => `dist/lib/kernels/${n}.wasm`).join(", ")}`);
      },
      (err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 1;
      },
    );
  }
}
