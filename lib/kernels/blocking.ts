/**
 * How every kernel of the project cuts its work for the cache, written once: the weight rows are taken in blocks
 * of about {@link CACHE_BLOCK_BYTES}, and every sample is run against one block before the next, so the block is
 * read from L2 instead of memory ({@link blockRows}); the WebAssembly kernels also pad rows and counts to their
 * SIMD widths ({@link roundUp}).
 */

/** Bytes of weights per cache block: about 512 KB stays in L2 (1–2 MB a core) while all samples stream by. */
export const CACHE_BLOCK_BYTES = 512 * 1024;

/**
 * `v` rounded up to a multiple of `m` (a positive integer).
 *
 * @example
 * roundUp(17, 16); // 32
 * roundUp(32, 16); // 32
 */
export const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/**
 * Weight rows per cache block when a row takes `rowBytes`: as many as fit in {@link CACHE_BLOCK_BYTES}, a multiple
 * of `multiple` (the kernel's row tile), and at least `multiple`.
 *
 * @example
 * blockRows(4096, 4);      // 128 (int8 rows of 4096 weights)
 * blockRows(4 * 4096, 2);  // 32 (float32 rows)
 */
export function blockRows(rowBytes: number, multiple: number): number {
  return Math.max(multiple, Math.floor(CACHE_BLOCK_BYTES / Math.max(1, rowBytes) / multiple) * multiple);
}
