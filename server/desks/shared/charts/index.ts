/** The charts of the desks: SeriesChart (bars and lines) on BaseChart (one canvas, 暂无数据 when empty). */
export { default as BaseChart } from './BaseChart.vue';
export { default as SeriesChart } from './SeriesChart.vue';
export { percent, PALETTE, PALETTE_DARK, type Series } from './echarts.ts';
