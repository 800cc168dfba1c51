// What the HTML report's browser script draws: one ChartSpec per plot, computed (and downsampled)
// here in Node, so that the page only draws and every number it shows was decided by tested code.
// The browser script (view/report-view.ts) imports these types only.

type SeriesStyle = 'line' | 'points' | 'bars' | 'step';

export interface SeriesSpec {
  label: string;
  style: SeriesStyle;
  /** Index into the view's palette, so a model keeps its colour across charts. */
  color: number;
  dash?: boolean;
}

/** A vertical marker, e.g. the p99 of a latency (from the result's own field, as in the tables). */
export interface MarkerSpec {
  x: number;
  /** Drawn beside the line, e.g. "p99 41.20". */
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** x values are Unix seconds (time axis). */
  xTime?: boolean;
  yMin?: number;
  /** A fixed x range, e.g. a histogram's outer bin edges (so the end bars are whole). */
  xRange?: [number, number];
  series: SeriesSpec[];
  /** uPlot's aligned data: [x ascending, one column per series]; null where a series has no point. */
  data: Array<Array<number | null>>;
  markers?: MarkerSpec[];
  /** Said under the chart: what was downsampled or left out. */
  note?: string;
}

/** The JSON the page embeds (id "aibench-data"). */
export interface ReportData {
  charts: ChartSpec[];
}
