/**
 * Reading files that may be anything a user points at: only regular files are opened (a FIFO or `/dev/zero` would
 * be read forever), and sizes are said in words. Used by the digits loader and the ONNX model loader.
 */
import * as fs from "node:fs";

/**
 * Opens `filePath` for reading if it is a regular file; otherwise throws `fail(why)` saying what it is (a FIFO, a
 * device such as `/dev/zero`, a folder), without waiting on it. `expected` names what should be there.
 *
 * @example
 * const fd = openRegularFile("data/digits.csv.gz", "a .csv or .csv.gz file", (why) => new Error(`cannot read: ${why}`));
 */
export function openRegularFile(filePath: string, expected: string, fail: (why: string) => Error): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (err) {
    throw fail(errnoText(err));
  }
  if (!stat.isFile()) throw fail(`it is ${fileKind(stat)}, not a regular file; expected ${expected}`);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it does not wait for a writer.
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw fail(errnoText(err));
  }
  const opened = fs.fstatSync(fd);
  if (!opened.isFile()) {
    fs.closeSync(fd);
    throw fail(`it is ${fileKind(opened)}, not a regular file; expected ${expected}`);
  }
  return fd;
}

/** What a path is, in words, for an error: "a folder", "a FIFO (named pipe)", … */
export function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device (such as /dev/zero)";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/** A file-system error in a few words ("no such file", "permission denied", …). */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a part of the path is not a folder";
  return String(err);
}

/** Reads up to `bytes` bytes at the file position; a shorter buffer at the end of the file. */
export function readChunk(fd: number, bytes: number): Buffer {
  const buf = Buffer.allocUnsafe(bytes);
  const n = fs.readSync(fd, buf, 0, bytes, null);
  return n === bytes ? buf : buf.subarray(0, n);
}

/** A byte count as code: `512 * 2 ** 20` when it is whole MiB. */
export function asMiB(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} * 2 ** 20` : String(bytes);
}

/** A byte count for a message: `12.5 MiB`, or `300 bytes`. */
export function mib(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB` : `${bytes} bytes`;
}
