/**
 * The lib the notebook calls, one concept per module, in the order the notebook uses them: data → split →
 * train → quantize → predict → size → timing → tables and plots; then the sections beyond the original (solver
 * comparison, integer kernels, quantization schemes, model files, scaling study). Internal modules (the
 * WebAssembly plumbing, `quantize-core`, `int8-epilogue`) are not re-exported.
 */
export * from "./matrix";
export * from "./model";
export * from "./data";
export * from "./random";
export * from "./split";
export * from "./train";
export * from "./round";
export * from "./quantize";
export * from "./predict";
export * from "./size";
export * from "./timing";
export * from "./frames";
export * from "./display";
export * from "./table";
export * from "./plot";
export * from "./compare-solvers";
export * from "./int8-kernel";
export * from "./wasm-kernels";
export * from "./quant-schemes";
export * from "./model-file";
export * from "./fp32-kernel";
export * from "./scaling-study";
