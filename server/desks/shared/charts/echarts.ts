/**
 * ECharts, only the parts the desks draw (bars and lines on a grid, tooltip, legend,
 * canvas): imported from echarts/core so the bundle carries these and not the whole
 * library (maps, 3-D, every series type). Colours are the desks' own.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

/** Series colours in order: the hotline's blue, then green, amber, red, grey, violet. */
export const PALETTE = ['#2f6fb3', '#3a9a5b', '#e0a020', '#c0392b', '#8a8f99', '#7a5bb5', '#2aa6a6'];
/** The same on the dark wall: brighter, so that they read from across the room. */
export const PALETTE_DARK = ['#4fa3ff', '#4cd08a', '#ffc24a', '#ff6b5b', '#aab4c3', '#b48cff', '#3ed6d6'];

/** 0.8734 → 87.3% */
export const percent = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;

/** A series of a SeriesChart. */
export interface Series {
  name: string;
  data: (number | null)[];
  type?: 'bar' | 'line';
  stack?: string;
  color?: string;
  /** A dashed line, for the figure compared with (上周同日). */
  dashed?: boolean;
}
