/**
 * The lesson, sections 2–9 of the notebook, in the order it calls them. Each module is one step; read them
 * top to bottom: matrix → model → data → split → train → quantize → predict → size → timing.
 */
// Shapes: a dense matrix is a flat typed array plus [rows, cols].
export { matrix, shape, row, sliceRows, type Matrix } from "./matrix";
export type { LinearModel, QuantizedLinearModel } from "./model";
// 2. Load & prepare the digits.
export { loadDigits, scalePixels, type Digits, type LoadDigitsOptions } from "./data";
export { trainTestSplit, trainTestSplitIndices, type SplitOptions, type TrainTestSplit } from "./split";
// 3. Train (scikit-learn's L-BFGS, or ml-logistic-regression's gradient descent).
export { trainLogisticRegression, type TrainOptions, type TrainResult } from "./train";
// 5–6. The quantization helpers and the per-row loop.
export { quantizePerTensor, dequantizePerTensor, quantizeRows, dequantizeRows, quantizeModel, type Quantized, type RowQuantized } from "./quantize";
// 4 and 7. Predictions and accuracy.
export { predictFp32, predictInt8, logits, argmax, accuracy } from "./predict";
// 4 and 6. Sizes from the real typed arrays.
export { modelSizeBytes, float64SizeBytes, quantizedSizeBytes } from "./size";
// 3, 4 and 7. Timing: medians of repeated runs.
export { timeIt, timeItWithResult, describeSpread, type Timing, type TimeItOptions } from "./timing";
// Printing rounded numbers, as Python's round(x, n).
export { roundTo } from "../numerics/round";
