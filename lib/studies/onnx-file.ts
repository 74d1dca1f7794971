/**
 * The file side of the ONNX export: the SHA-256 seal that makes every byte count, reading a file without
 * hanging or running out of memory, and writing one atomically.
 *
 * The seal: the file is the serialized `ModelProto` followed by one more `metadata_props` entry,
 * `sha256 = <64 hex digits>`, the SHA-256 of every byte before it. Protobuf concatenation merges repeated fields,
 * so the file is still one valid `ModelProto` (ONNX Runtime, Netron and `onnx.load` read it as usual, the digest
 * as the last metadata entry), and the entry's own bytes are fixed by its value. So a change to any byte —
 * data, header or the digest itself — makes the digest disagree: nothing changed loads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { onnx } from "onnx-proto";
import { fileKind } from "../io/regular-file";

/** The metadata key of the digest. */
export const DIGEST_KEY = "sha256";

/** The largest file {@link readModelFile} reads unless told otherwise: 256 MiB (a 4096 × 4096 float32 layer is 64 MiB). */
export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** The bytes of the digest entry: field 14 (`metadata_props`) of `ModelProto` holding `sha256 = hex`. */
function digestEntry(hex: string): Uint8Array {
  return onnx.ModelProto.encode({ metadataProps: [{ key: DIGEST_KEY, value: hex }] }).finish();
}

const DIGEST_ENTRY_BYTES = digestEntry("0".repeat(64)).length;

/**
 * `body` (a serialized `ModelProto` without a digest) followed by its digest entry.
 *
 * @example
 * const bytes = sealModel(onnx.ModelProto.encode(proto).finish()); // ends with sha256 = "…"
 */
export function sealModel(body: Uint8Array): Uint8Array {
  const hex = createHash("sha256").update(body).digest("hex");
  const entry = digestEntry(hex);
  const out = new Uint8Array(body.length + entry.length);
  out.set(body, 0);
  out.set(entry, body.length);
  return out;
}

/**
 * Checks the seal of {@link sealModel}: returns the body and its digest, or calls `fail` saying what is wrong
 * (no digest at the end, or a digest that does not match).
 */
export function unsealModel(bytes: Uint8Array, fail: (problem: string) => never): { body: Uint8Array; sha256: string } {
  if (bytes.length <= DIGEST_ENTRY_BYTES) {
    fail(`${bytes.length} bytes: too short for a model file of this project (it ends with a ${DIGEST_ENTRY_BYTES}-byte SHA-256 entry)`);
  }
  const split = bytes.length - DIGEST_ENTRY_BYTES;
  const hex = Buffer.from(bytes.subarray(bytes.length - 64)).toString("latin1");
  const entry = /^[0-9a-f]{64}$/.test(hex) ? digestEntry(hex) : undefined;
  if (entry === undefined || !Buffer.from(entry).equals(bytes.subarray(split))) {
    fail("damaged, or not written by saveOnnxModel: it does not end with the sha256 metadata entry that saveOnnxModel writes last");
  }
  const body = bytes.subarray(0, split);
  const actual = createHash("sha256").update(body).digest("hex");
  if (actual !== hex) {
    fail(`damaged: the SHA-256 of its contents is ${actual}, but the file says ${hex} (a changed byte, or an edited file)`);
  }
  return { body, sha256: hex };
}

/**
 * Reads a whole model file, refusing what would hang or exhaust memory: anything but a regular file (a FIFO,
 * `/dev/zero`, a folder — opened without blocking, then checked) and files over `maxBytes` (checked before
 * reading). `fail` is called with the problem.
 *
 * @example
 * const bytes = readModelFile("out/models/digits-int8.onnx", DEFAULT_MAX_MODEL_BYTES, fail);
 */
export function readModelFile(filePath: string, maxBytes: number, fail: (problem: string) => never): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return fail(`cannot read: ${e.code === "ENOENT" ? "no such file" : describeFsError(err)}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) fail(`it is ${fileKind(st)}, not a regular file; a model file must be a regular file`);
    if (st.size > maxBytes) {
      fail(`${st.size} bytes, more than the limit of ${maxBytes} bytes (pass { maxBytes } to read a larger model)`);
    }
    const bytes = new Uint8Array(st.size);
    let filled = 0;
    while (filled < st.size) {
      const n = fs.readSync(fd, bytes, filled, st.size - filled, filled);
      if (n === 0) fail(`shrank while being read (${filled} of ${st.size} bytes)`);
      filled += n;
    }
    if (fs.readSync(fd, new Uint8Array(1), 0, 1, st.size) !== 0) fail(`grew while being read (more than ${st.size} bytes)`);
    return bytes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).syscall === undefined) throw err;
    return fail(`cannot read: ${describeFsError(err)}`);
  } finally {
    fs.closeSync(fd);
  }
}


/**
 * Writes `bytes` to `filePath` atomically: a temporary file in the same folder, flushed to disk, renamed over the
 * target (removed again if anything fails), so a reader sees the old file or the new one, never half of one. The
 * folder must exist. `fail` is called with the problem.
 */
export function writeFileAtomic(filePath: string, bytes: Uint8Array, fail: (problem: string) => never): void {
  const dir = path.dirname(path.resolve(filePath));
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    fail(`cannot save: the folder ${dir} does not exist`);
  }
  if (!isDir) fail(`cannot save: ${dir} is not a folder`);
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", 0o644);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written, written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, filePath);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    fail(`cannot save: ${describeFsError(err)}`);
  }
}

/**
 * A file-system error without the path Node puts in its message (often the temporary file's, which means nothing
 * to the caller): `EACCES: permission denied, open '/x/.m.onnx.123.ab.tmp'` → `EACCES: permission denied`.
 */
function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== "string" || typeof e.syscall !== "string") return e.message;
  const description = e.message.replace(new RegExp(`^${e.code}: `), "").replace(new RegExp(`, ${e.syscall}\\b.*$`, "s"), "");
  return `${e.code}: ${description}`;
}
