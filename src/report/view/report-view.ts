// The report page's only script: draws the ChartSpecs embedded in #aibench-data with uPlot (inlined
// before this script). Everything it shows was computed in Node; this file only draws, and records
// what it drew in window.aibenchReport (the browser test reads it).
import type { ChartSpec, MarkerSpec, ReportData, SeriesSpec } from '../chart-spec.js';

// Okabe-Ito: tells colours apart for every kind of colour vision.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D1F', '#000000'];
const HEIGHT = 240;

interface Drawn {
  id: string;
  series: number;
  points: number;
  markers: MarkerSpec[];
}

declare global {
  interface Window {
    aibenchReport: { charts: Drawn[]; errors: string[] };
  }
}

function colour(i: number, alpha = ''): string {
  return `${PALETTE[i % PALETTE.length] as string}${alpha}`;
}

function seriesOptions(s: SeriesSpec, few: boolean): uPlot.Series {
  const base: uPlot.Series = { label: s.label, stroke: colour(s.color), width: 1.5, spanGaps: true };
  if (s.dash) base.dash = [6, 4];
  switch (s.style) {
    case 'bars':
      return { ...base, fill: colour(s.color, '99'), paths: uPlot.paths.bars!({ size: [0.95, 100] }), points: { show: false } };
    case 'step':
      return { ...base, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } };
    case 'points':
      return { ...base, paths: () => null, points: { show: true, space: 0, size: 3, fill: colour(s.color) } };
    default:
      return { ...base, points: { show: few } };
  }
}

// Vertical dashed lines with their labels, at the result's own percentile values.
function drawMarkers(u: uPlot, markers: readonly MarkerSpec[]): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = '#555';
  ctx.fillStyle = '#333';
  ctx.setLineDash([4, 3]);
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  ctx.textAlign = 'left'; // uPlot leaves its axes' alignment on the context
  ctx.textBaseline = 'alphabetic';
  markers.forEach((m, i) => {
    const x = Math.round(u.valToPos(m.x, 'x', true));
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    const y = top + (12 + 14 * i) * devicePixelRatio;
    const width = ctx.measureText(m.label).width;
    // Right of the line, or left of it where the label would leave the plot.
    const left = x + 4 * devicePixelRatio + width > u.bbox.left + u.bbox.width ? x - 4 * devicePixelRatio - width : x + 4 * devicePixelRatio;
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(left - 2 * devicePixelRatio, y - 10 * devicePixelRatio, width + 4 * devicePixelRatio, 13 * devicePixelRatio);
    ctx.fillStyle = '#333';
    ctx.fillText(m.label, left, y);
  });
  ctx.restore();
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const few = (spec.data[0]?.length ?? 0) <= 60;
  const yRange: uPlot.Scale.Range | undefined =
    spec.yMin === undefined ? undefined : (_u, _min, max) => [spec.yMin as number, max > (spec.yMin as number) ? max * 1.05 : (spec.yMin as number) + 1];
  return {
    width,
    height: HEIGHT,
    scales: { x: spec.xRange === undefined ? { time: Boolean(spec.xTime) } : { time: false, range: spec.xRange }, y: yRange === undefined ? {} : { range: yRange } },
    legend: { show: spec.series.length > 1 },
    axes: [{ label: spec.xLabel }, { label: spec.yLabel, size: 60 }],
    series: [{ label: spec.xLabel }, ...spec.series.map((s) => seriesOptions(s, few))],
    hooks: { draw: [(u: uPlot) => drawMarkers(u, spec.markers ?? [])] },
  };
}

function draw(spec: ChartSpec, drawn: Drawn[], charts: Array<[uPlot, HTMLElement]>): void {
  const box = document.getElementById(`chart-${spec.id}`);
  if (box === null) throw new Error(`no element for chart ${spec.id}`);
  const plot = new uPlot(options(spec, box.clientWidth || 640), spec.data as uPlot.AlignedData, box);
  const points = spec.data.slice(1).reduce((n, col) => n + col.filter((v) => v !== null).length, 0);
  box.dataset.rendered = 'true';
  box.dataset.points = String(points);
  drawn.push({ id: spec.id, series: spec.series.length, points, markers: spec.markers ?? [] });
  charts.push([plot, box]);
}

function main(): void {
  const state: Window['aibenchReport'] = { charts: [], errors: [] };
  window.aibenchReport = state;
  const data = JSON.parse((document.getElementById('aibench-data') as HTMLElement).textContent ?? '{}') as ReportData;
  const charts: Array<[uPlot, HTMLElement]> = [];
  for (const spec of data.charts) {
    try {
      draw(spec, state.charts, charts);
    } catch (error) {
      state.errors.push(`${spec.id}: ${String(error)}`);
      console.error(error);
    }
  }
  window.addEventListener('resize', () => {
    for (const [plot, box] of charts) plot.setSize({ width: box.clientWidth || 640, height: HEIGHT });
  });
  document.body.dataset.ready = 'true';
}

main();
