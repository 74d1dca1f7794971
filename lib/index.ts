/**
 * The public API, by notebook section: `quantization-lesson/core` (sections 2–9, the lesson),
 * `quantization-lesson/display` (tables and plots), `quantization-lesson/studies` (sections 11–15).
 * Ports (`lib/numerics/`) and speed kernels (`lib/kernels/`) are internal.
 */
export * from "./core";
export * from "./display";
export * from "./studies";
