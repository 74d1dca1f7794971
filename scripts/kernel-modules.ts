/**
 * How the kernel, not the notebook's folder, brings the lib and its packages (issue 12, point 4).
 *
 * tslab resolves a cell's imports twice, both from the notebook's folder: TypeScript checks them with Node10
 * resolution (`node_modules` in that folder and its ancestors), and Node loads them with
 * `Module.createRequire(<notebook folder>)`. A notebook copied to `~/assignments/` finds neither the lib
 * (`quantization-lesson`) nor `danfojs-node`. The kernel adds the project's packages AFTER every real ancestor,
 * the way Node's `NODE_PATH` works, in both resolvers:
 *
 * - at run time, `NODE_PATH` = {@link kernelModuleDirs} (set in kernel.json's `env`), a public Node mechanism;
 * - for TypeScript, a virtual `/node_modules` (the last folder Node10 resolution looks in, and one that does not
 *   exist on a normal machine) whose entries are those folders' entries ({@link forwardModulesToProject}).
 *
 * The lib itself is found under its package name through `dist/node_modules/quantization-lesson`, a relative
 * symlink to the checkout made by {@link ensurePackageLink}; TypeScript then reads the package's own
 * `typesVersions` and Node its `exports`, exactly as for an installed package. A package in the notebook's
 * folder (or an ancestor) still wins, as it would with `NODE_PATH`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The package name the notebook imports the lib by (package.json `name`). */
export const PACKAGE_NAME = "quantization-lesson";

/** `<root>/dist/node_modules`: the folder that holds the `quantization-lesson` link. */
export function packageLinkDir(root: string): string {
  return path.join(root, "dist", "node_modules");
}

/**
 * The folders the kernel resolves packages from, in order: the lib's link folder, then the checkout's
 * `node_modules`. Joined with `path.delimiter`, this is the kernel's `NODE_PATH`.
 */
export function kernelModuleDirs(root: string): string[] {
  return [packageLinkDir(root), path.join(root, "node_modules")];
}

/**
 * Makes `<root>/dist/node_modules/quantization-lesson` a relative symlink to `<root>` (so it survives the
 * checkout being moved as a whole), replacing anything else there. Idempotent.
 *
 * @returns the link's path.
 * @throws Error naming the path when it cannot be made (a read-only checkout that was never installed).
 */
export function ensurePackageLink(root: string): string {
  const link = path.join(packageLinkDir(root), PACKAGE_NAME);
  const target = path.relative(path.dirname(link), root); // "../.."
  if (packageLinkOk(root)) return link;
  try {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true, recursive: false });
    fs.symlinkSync(target, link, "dir");
  } catch (err) {
    throw new Error(`cannot create ${link} -> ${target}: ${(err as Error).message}`);
  }
  return link;
}

/** True when `<root>/dist/node_modules/quantization-lesson` leads to `<root>`'s package.json. */
export function packageLinkOk(root: string): boolean {
  const link = path.join(packageLinkDir(root), PACKAGE_NAME);
  try {
    return fs.realpathSync(path.join(link, "package.json")) === fs.realpathSync(path.join(root, "package.json"));
  } catch {
    return false;
  }
}

/**
 * The part of TypeScript's `System` (`ts.sys`) that module and type resolution read. Every member is
 * optional except the four TypeScript cannot do without, as in TypeScript's own typings.
 */
export interface ResolutionSystem {
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  getDirectories(path: string): string[];
  realpath?(path: string): string;
  readDirectory?(path: string, extensions?: readonly string[], exclude?: readonly string[], include?: readonly string[], depth?: number): string[];
  getModifiedTime?(path: string): Date | undefined;
  getFileSize?(path: string): number;
  watchFile?(path: string, callback: (fileName: string, eventKind: number, modifiedTime?: Date) => void, pollingInterval?: number, options?: unknown): { close(): void };
  watchDirectory?(path: string, callback: (fileName: string) => void, recursive?: boolean, options?: unknown): { close(): void };
}

/** Marks a system already patched (so the patch is applied once). */
const FORWARDED = Symbol.for("quantization-lesson.forwardModulesToProject");

/**
 * Maps paths under a virtual `<fs root>/node_modules` to the first of `dirs` that has the package; returns
 * `undefined` for any other path, for a package none of `dirs` has, and whenever the real path exists.
 *
 * @example
 * const toReal = virtualModulesMapper(["/course/dist/node_modules", "/course/node_modules"]);
 * toReal("/node_modules/danfojs-node/package.json"); // "/course/node_modules/danfojs-node/package.json"
 * toReal("/home/ada/notebook.ts");                   // undefined
 */
export function virtualModulesMapper(dirs: readonly string[], virtualRoot = "/node_modules"): (p: string) => string | undefined {
  const packageDir = new Map<string, string | null>();
  const realRootExists = fs.existsSync(virtualRoot);
  return (p: string): string | undefined => {
    const slashed = p.replace(/\\/g, "/");
    if (!slashed.startsWith(virtualRoot + "/")) return undefined;
    const rest = slashed.slice(virtualRoot.length + 1);
    const parts = rest.split("/");
    const name = parts[0].startsWith("@") && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
    if (name === "" || name === "." || name === "..") return undefined;
    if (realRootExists && fs.existsSync(p)) return undefined; // a real /node_modules entry wins
    let found = packageDir.get(name);
    if (found === undefined) {
      found = dirs.map((d) => path.join(d, name)).find((d) => fs.existsSync(d)) ?? null;
      packageDir.set(name, found);
    }
    return found === null ? undefined : path.join(found, rest.slice(name.length));
  };
}

/**
 * Patches `sys` (TypeScript's `ts.sys`, which tslab's compiler host reads through) so that the virtual
 * `<fs root>/node_modules` holds the packages of `dirs` ({@link kernelModuleDirs}). Resolved files are
 * reported under their real paths (`realpath`), so the lib's `.d.ts` files and the notebook's imports share
 * one copy of each package's types. Idempotent.
 */
export function forwardModulesToProject(sys: ResolutionSystem, dirs: readonly string[], cwd = process.cwd()): void {
  const marked = sys as ResolutionSystem & { [FORWARDED]?: true };
  if (marked[FORWARDED]) return;
  const virtualRoot = (path.parse(cwd).root + "node_modules").replace(/\\/g, "/");
  const toReal = virtualModulesMapper(dirs, virtualRoot);
  const isVirtualRoot = (p: string): boolean => p.replace(/\\/g, "/").replace(/\/$/, "") === virtualRoot;
  const orig = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
    realpath: sys.realpath?.bind(sys),
    readDirectory: sys.readDirectory?.bind(sys),
    getModifiedTime: sys.getModifiedTime?.bind(sys),
    getFileSize: sys.getFileSize?.bind(sys),
    watchFile: sys.watchFile?.bind(sys),
    watchDirectory: sys.watchDirectory?.bind(sys),
  };
  const via = (p: string): string => toReal(p) ?? p;
  sys.fileExists = (p) => orig.fileExists(via(p));
  sys.directoryExists = (p) => isVirtualRoot(p) || orig.directoryExists(via(p));
  sys.readFile = (p, encoding) => orig.readFile(via(p), encoding);
  sys.getDirectories = (p) => {
    if (!isVirtualRoot(p)) return orig.getDirectories(via(p));
    const names = new Set<string>(orig.directoryExists(p) ? orig.getDirectories(p) : []);
    for (const d of dirs) if (orig.directoryExists(d)) for (const n of orig.getDirectories(d)) names.add(n);
    return [...names].sort();
  };
  if (orig.realpath) {
    const realpath = orig.realpath;
    sys.realpath = (p) => {
      const real = toReal(p);
      return real === undefined ? realpath(p) : realpath(real);
    };
  }
  if (orig.readDirectory) {
    const readDirectory = orig.readDirectory;
    sys.readDirectory = (p, ...rest) => readDirectory(via(p), ...rest);
  }
  if (orig.getModifiedTime) {
    const getModifiedTime = orig.getModifiedTime;
    sys.getModifiedTime = (p) => getModifiedTime(via(p));
  }
  if (orig.getFileSize) {
    const getFileSize = orig.getFileSize;
    sys.getFileSize = (p) => getFileSize(via(p));
  }
  if (orig.watchFile) {
    const watchFile = orig.watchFile;
    // The watcher reports the virtual name it was asked for, so TypeScript's caches stay keyed by it.
    sys.watchFile = (p, cb, ...rest) => {
      const real = toReal(p);
      return real === undefined ? watchFile(p, cb, ...rest) : watchFile(real, (_f, kind, time) => cb(p, kind, time), ...rest);
    };
  }
  if (orig.watchDirectory) {
    const watchDirectory = orig.watchDirectory;
    sys.watchDirectory = (p, cb, ...rest) => watchDirectory(via(p), cb, ...rest);
  }
  marked[FORWARDED] = true;
}
