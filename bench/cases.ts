/**
 * Extra benchmark cases, from other modules: `bench/bench.ts` runs every `BenchCase` these modules return,
 * after its own figures, and reports each under its `name`.
 *
 * To add a list, write a module in `bench/` exporting a function `(): BenchCase[]` and add one line below.
 * A module that is not there (not written yet, or not compiled) is skipped with a note on stderr and in the
 * JSON's `meta.skipped`; any other error while loading it stops the bench.
 */
import * as path from "node:path";
import type { BenchCase } from "./types";

/** A module of extra cases: its path relative to this folder (no extension) and the function to call. */
export interface CaseModule {
  readonly module: string;
  readonly exportName: string;
}

/** The registry. */
export const CASE_MODULES: readonly CaseModule[] = [
  { module: "./int8-cases", exportName: "int8BenchCases" }, // integer kernels (another issue)
];

/** Every case of every registered module that loads, and the modules skipped (with why). */
export function loadExtraCases(modules: readonly CaseModule[] = CASE_MODULES): { cases: BenchCase[]; skipped: string[] } {
  const cases: BenchCase[] = [];
  const skipped: string[] = [];
  for (const { module, exportName } of modules) {
    const resolved = path.resolve(__dirname, module);
    let exports: Record<string, unknown>;
    try {
      exports = require(resolved) as Record<string, unknown>;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "MODULE_NOT_FOUND" && e.message.includes(resolved)) {
        skipped.push(`${module}: not found`);
        continue;
      }
      throw err;
    }
    const make = exports[exportName];
    if (typeof make !== "function") throw new TypeError(`bench: ${module} does not export a function ${exportName}`);
    const list = (make as () => unknown)();
    if (!Array.isArray(list)) throw new TypeError(`bench: ${module}.${exportName}() did not return an array`);
    for (const c of list as BenchCase[]) {
      if (typeof c?.name !== "string" || typeof c.fn !== "function") {
        throw new TypeError(`bench: ${module}.${exportName}() returned something that is not a BenchCase`);
      }
      cases.push(c);
    }
  }
  return { cases, skipped };
}
