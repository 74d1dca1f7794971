/** Rich outputs: one MIME bundle per output (HTML + text, and plotly JSON for plots), sent through the kernel. */
// Tables: danfojs-node DataFrames as pandas-style HTML with a text fallback.
export { displayTable, type TableOptions } from "./table";
// Plots: plotly-notebook-js figures drawn offline by plotly.js, which initPlotly() (section 1) puts on the page once.
export { initPlotly, createPlot, displayPlot, type NotebookPlot, type PlotlyTrace, type PlotlyLayout } from "./plot";
// The lesson's figures (sections 2, 5–6, 9, 13): images in a grid, the weight histogram, paired bars.
export {
  imageGrid, weightImages, weightHistogram, sizeAndTimeChart,
  type ImageGridOptions, type WeightImagesOptions, type WeightHistogramOptions, type SizeAndTimeSpec, type Colorscale,
} from "./figures";
// Sections 5 and 7: the lib's own source, read from lib/ when the cell runs.
export { showSource } from "./source";
// The transport itself, for other kernels and tests.
export { displayBundle, type MimeBundle } from "./transport";
