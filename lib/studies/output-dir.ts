/**
 * Where the notebook may write its files (section 14's model files): a folder the student can write, whatever
 * folder the notebook runs in — the checkout, a copy in `~/assignments/`, or a read-only shared checkout.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The environment variable that names the folder outright (an admin can set it in the spawner or kernel.json). */
export const OUTPUT_DIR_ENV = "QUANTIZATION_LESSON_OUT";

/** The checkout this lib was built in (this file runs as `<root>/dist/lib/studies/output-dir.js`). */
const CHECKOUT = path.resolve(__dirname, "..", "..", "..");

/** Where {@link outputDir} looks; the defaults are the running process's. */
export interface OutputDirOptions {
  /** The notebook's folder (a Jupyter kernel runs in it). Default `process.cwd()`. */
  readonly cwd?: string;
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default `os.homedir()`. */
  readonly home?: string;
  /** The checkout whose `out/` a notebook inside it uses. Default: the one this lib belongs to. */
  readonly checkout?: string;
}

/** The folders {@link outputDir} tries, in order, with why each is a candidate. */
export function outputDirCandidates(options: OutputDirOptions = {}): Array<{ dir: string; why: string }> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const checkout = path.resolve(options.checkout ?? CHECKOUT);
  const named = env[OUTPUT_DIR_ENV];
  if (named !== undefined && named !== "") return [{ dir: path.resolve(cwd, named), why: `$${OUTPUT_DIR_ENV}` }];
  const candidates: Array<{ dir: string; why: string }> = [];
  const rel = path.relative(checkout, cwd);
  if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) candidates.push({ dir: path.join(checkout, "out"), why: "the checkout's out/" });
  candidates.push({ dir: path.join(cwd, "out"), why: "out/ next to the notebook" });
  candidates.push({ dir: path.join(options.home ?? os.homedir(), "quantization-lesson-out"), why: "your home folder (the notebook's folder is read-only)" });
  return candidates;
}

function writable(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    // access() says yes to root on a read-only file system; a real write does not.
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * A folder the notebook can write, created if needed (with `sub` inside it): `$QUANTIZATION_LESSON_OUT` if set;
 * else the checkout's `out/` for a notebook inside the checkout (git-ignored, as `npm start` uses); else `out/`
 * next to the notebook; else, when that is read-only, `~/quantization-lesson-out/`.
 *
 * @param sub - a subfolder, e.g. `"models"`.
 * @throws Error listing every folder tried, when none can be written.
 * @example
 * const models = outputDir("models"); // "/home/ada/assignments/out/models" for ~/assignments/quantization.ipynb
 * saveOnnxModel(path.join(models, "digits-int8.onnx"), qmodel);
 */
export function outputDir(sub = "", options: OutputDirOptions = {}): string {
  const tried: string[] = [];
  for (const { dir, why } of outputDirCandidates(options)) {
    const target = path.join(dir, sub);
    if (writable(target)) return target;
    tried.push(`${target} (${why})`);
  }
  throw new Error(`outputDir: no writable folder for the notebook's files; tried ${tried.join(", ")}. Set $${OUTPUT_DIR_ENV} to one you can write.`);
}
