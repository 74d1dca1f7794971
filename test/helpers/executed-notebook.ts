/**
 * Executes notebooks/quantization.ipynb once for all the test files that need it (the notebook checks and the
 * browser checks run in separate processes). The result is cached in out/test/ under a fingerprint of the
 * notebook and the compiled lib, so a second test file reuses it and any change runs it again.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { executeNotebook, type ExecutionResult } from "../../scripts/jupyter";
import { ROOT } from "./paths";

export const NOTEBOOK = path.join(ROOT, "notebooks", "quantization.ipynb");
const CACHE_DIR = path.join(ROOT, "out", "test");
const STAMP = path.join(CACHE_DIR, "fingerprint.json");

function fingerprint(): string {
  const h = crypto.createHash("sha256");
  h.update(fs.readFileSync(NOTEBOOK));
  const libDir = path.join(ROOT, "dist", "lib");
  // Every compiled file under dist/lib (its subfolders too: core/, display/, …).
  const files = (fs.readdirSync(libDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".js")).sort();
  for (const f of files) {
    h.update(f).update(fs.readFileSync(path.join(libDir, f)));
  }
  // The lib's sources too: sections 5 and 7 show them.
  const srcDir = path.join(ROOT, "lib");
  for (const f of (fs.readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).sort()) {
    h.update(f).update(fs.readFileSync(path.join(srcDir, f)));
  }
  return h.digest("hex");
}

/** The executed notebook and its HTML export (executing it now unless this build already did). */
export function executedNotebook(): ExecutionResult {
  const fp = fingerprint();
  if (fs.existsSync(STAMP)) {
    const cached = JSON.parse(fs.readFileSync(STAMP, "utf8")) as { fingerprint: string; result: ExecutionResult };
    if (cached.fingerprint === fp && fs.existsSync(cached.result.executedPath) && fs.existsSync(cached.result.htmlPath)) {
      return cached.result;
    }
  }
  const result = executeNotebook(NOTEBOOK, CACHE_DIR);
  fs.writeFileSync(STAMP, JSON.stringify({ fingerprint: fp, result }, null, 2));
  return result;
}

/** A notebook as JSON, with the parts the tests read. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name: string; display_name: string; language?: string }; language_info?: { name: string } };
  cells: Array<{
    id?: string;
    cell_type: "markdown" | "code" | "raw";
    source: string | string[];
    execution_count?: number | null;
    outputs?: Array<{ output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }>;
  }>;
}

export const readNotebook = (p: string): Notebook => JSON.parse(fs.readFileSync(p, "utf8")) as Notebook;
export const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");
