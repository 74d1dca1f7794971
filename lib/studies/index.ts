/** The sections beyond the original, one module each (11–15). */
// 11. Two ways to train the same model.
export { compareSolvers, type CompareSolversOptions, type SolverRow } from "./solvers";
export type { LabelledData } from "./labelled";
// 12. Real INT8: integer arithmetic end to end.
export {
  DIGITS_PIXEL_PARAMS, quantizeActivations, prepareIntegerModel, predictInt8Integer, timeIntegerPaths, describeIntegerPaths,
  type ActivationParams, type QuantizedActivations, type IntegerModel,
} from "./integer-inference";
// 13. The choices side by side: per tensor / per row / symmetric, 8, 4 and 2 bits.
export {
  compareQuantSchemes, quantizeWithScheme, changedPredictions, describeChanges,
  schemesPlot, weightImagesPlot, changedImagesPlot, confusionPlot,
  type QuantScheme, type QuantBits, type SchemeRow, type SchemeQuantizedModel, type PredictionChanges,
} from "./schemes";
// 14. The model as an ONNX file, run by ONNX Runtime.
export {
  saveOnnxModel, loadOnnxModel, openOnnxSession, onnxRuntimeVersion,
  type LoadedOnnxModel, type OnnxFileInfo, type OnnxExportOptions, type OnnxSession, type OnnxResult,
} from "./export";
// Where the notebook writes files: a folder the student can write, wherever the notebook is.
export { outputDir } from "./output-dir";
// 15. Where INT8 pays.
export {
  runScalingStudy, scalingSummary, scalingPlot, describeScaling, addOrtRows, versusOrt,
  type ScalingStudyOptions, type ScalingRow, type StudyRow, type BaselineComparison, type Crossover,
} from "./scaling";
