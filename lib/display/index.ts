/** Rich outputs: one MIME bundle per output (HTML + text, and plotly JSON for plots), sent through the kernel. */
// Tables: danfojs-node DataFrames as pandas-style HTML with a text fallback.
export { displayTable, tableBundle, type TableOptions } from "./table";
// Plots: plotly-notebook-js figures drawn offline by plotly.js, which initPlotly() (section 1) puts on the page once.
export { initPlotly, createPlot, displayPlot, type NotebookPlot, type PlotlyTrace, type PlotlyLayout } from "./plot";
// Section 2: the first digits.
export { digitsFrame } from "./digits-frame";
// The lesson's figures (sections 2, 5–6, 9, 13): images in a grid, the weight histogram, paired bars.
export {
  imageGrid, weightImages, weightHistogram, sizeAndTimeChart, INK_COLORSCALE, SIGNED_COLORSCALE,
  type ImageGridOptions, type WeightImagesOptions, type WeightHistogramOptions, type SizeAndTimeSpec, type Colorscale,
} from "./figures";
// Sections 5 and 7: the lib's own source, read from lib/ when the cell runs.
export { showSource, sourceBundle, functionSource, type FunctionSource } from "./source";
// The transport itself, for other kernels and tests.
export { displayBundle, setDisplayPublisher, type MimeBundle, type DisplayData, type DisplayPublisher } from "./transport";
