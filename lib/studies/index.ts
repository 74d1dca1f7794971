/** The sections beyond the original, one module each (11–15). */
// 11. Two ways to train the same model.
export { compareSolvers, SECTION_11_GD, type CompareSolversOptions, type SolverRow } from "./solvers";
export type { LabelledData } from "./labelled";
// 12. Real INT8: integer arithmetic end to end.
export {
  DIGITS_PIXEL_PARAMS, quantizeActivations, prepareIntegerModel, predictInt8Integer, timeIntegerPaths, describeIntegerPaths,
  type ActivationParams, type QuantizedActivations, type IntegerModel,
} from "./integer-inference";
export { prepareWasmIntegerModel, predictInt8Wasm } from "../kernels/gemm";
// 13. The choices side by side: per tensor / per row / symmetric, 8, 4 and 2 bits.
export {
  QUANT_SCHEMES, QUANT_BITS, compareQuantSchemes, quantizeWithScheme, dequantizeModelWeights, changedPredictions, describeChanges,
  schemesPlot, weightImagesPlot, changedImagesPlot, confusionPlot, packInts, unpackInts,
  type QuantScheme, type QuantBits, type SchemeRow, type SchemeQuantizedModel, type PredictionChanges,
} from "./schemes";
// 14. The model as an ONNX file, run by ONNX Runtime.
export {
  saveOnnxModel, loadOnnxModel, openOnnxSession, encodeOnnxModel, decodeOnnxModel, onnxRuntimeVersion,
  OnnxFileError, OnnxRuntimeError, DEFAULT_MAX_MODEL_BYTES,
  type LoadedOnnxModel, type OnnxFileInfo, type OnnxExportOptions, type OnnxSession, type OnnxResult,
} from "./export";
// Where the notebook writes files: a folder the student can write, wherever the notebook is.
export { outputDir, OUTPUT_DIR_ENV } from "./output-dir";
// 15. Where INT8 pays.
export {
  runScalingStudy, scalingSummary, scalingPlot, describeScaling, compareWithBaselines, findCrossovers, BASELINES, SAME_SPEED_BAND,
  addOrtRows, versusOrt, LAYER_KERNELS, ORT_KERNELS,
  type ScalingStudyOptions, type ScalingRow, type StudyRow, type BaselineComparison, type Crossover,
} from "./scaling";
