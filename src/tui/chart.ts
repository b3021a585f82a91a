/**
 * A line chart in text (box-drawing characters, as asciichart draws them) of a series resampled
 * to the available columns, with a labelled y axis.
 * @module
 */
import { fit, fitRight } from "./ansi.js";

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Columns in all, y axis included. */
  readonly width: number;
  /** Rows of plot (at least 2 are drawn when there is room). */
  readonly height: number;
  /** Axis label of a value. @default two decimals */
  readonly label?: (value: number) => string;
  /** Colour of the line. @default identity */
  readonly paint?: (text: string) => string;
}

/**
 * `values` resampled to `columns` points: the last value of each bucket (for a running maximum
 * that is the bucket's maximum); with fewer values than columns each value is repeated (a step).
 */
export function resample(values: readonly number[], columns: number): number[] {
  if (columns <= 0 || values.length === 0) return [];
  if (values.length < columns) return Array.from({ length: columns }, (_, c) => values[Math.floor((c * values.length) / columns)]!);
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    const end = Math.min(values.length, Math.floor(((c + 1) * values.length) / columns));
    out.push(values[Math.max(0, end - 1)]!);
  }
  return out;
}

/**
 * Rows of a line chart of `values`, each exactly `width` columns; `[]` for no values.
 * @example
 * lineChart([1, 2, 2, 3], { width: 20, height: 4 })
 */
export function lineChart(values: readonly number[], options: LineChartOptions): string[] {
  const { width, label = (v: number) => v.toFixed(2), paint = (t: string) => t } = options;
  const height = Math.max(1, Math.floor(options.height));
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || width <= 0) return [];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const labels = Array.from({ length: height }, (_, r) => label(height === 1 ? max : max - ((max - min) * r) / (height - 1)));
  const labelWidth = Math.min(Math.max(...labels.map((l) => l.length)), Math.max(0, width - 3));
  const plotWidth = Math.max(0, width - labelWidth - 2);
  const series = resample(finite, plotWidth);
  const row = (v: number) => (max === min ? height - 1 : Math.round(((max - v) / (max - min)) * (height - 1)));
  const grid: string[][] = Array.from({ length: height }, () => Array.from({ length: plotWidth }, () => " "));
  const set = (r: number, c: number, ch: string) => {
    const line = grid[r];
    if (line !== undefined && c < line.length) line[c] = ch;
  };
  series.forEach((v, c) => {
    const r1 = row(v);
    const prev = c === 0 ? v : series[c - 1]!;
    const r0 = row(prev);
    if (r0 === r1) {
      set(r1, c, "─");
      return;
    }
    // Rows grow downwards: r1 < r0 is a rise.
    set(r0, c, r1 < r0 ? "╯" : "╮");
    set(r1, c, r1 < r0 ? "╭" : "╰");
    for (let r = Math.min(r0, r1) + 1; r < Math.max(r0, r1); r++) set(r, c, "│");
  });
  return grid.map((cells, r) => fit(`${fitRight(labels[r] ?? "", labelWidth)} ┤${paint(cells.join(""))}`, width));
}
