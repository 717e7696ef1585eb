/**
 * The desks (server/desks/): a multi-page Vue 3 + Element Plus app, one HTML entry
 * per desk, built into dist/desks/ (git-ignored) and served by server/routes/pages.ts.
 * Built by `npm install` (prepare), `npm test` (pretest) and `npm run build:desks`.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./server/desks/', import.meta.url));

/** One entry per desk; a desk still served from server/pages/ is not listed here. */
export const DESKS = [
  'console',
  'submit',
  'track',
  'knowledge',
  'callback',
  'admin',
  'queue',
  'inbox',
  'board',
  'reports',
  'wall',
  'qa',
  'objections',
] as const;

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  // The pages' CSP allows only same-origin scripts: no inline module preload polyfill.
  build: {
    outDir: fileURLToPath(new URL('./dist/desks/', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: Object.fromEntries(DESKS.map((d) => [d, `${root}${d}.html`])),
      // One vendor chunk (Vue, Element Plus and its icons, shared by every desk and cached
      // once) beside each desk's own small chunk; Element Plus components are imported by
      // name, so only those used are in it, its stylesheet is whole (one file, cached).
      // ECharts (and zrender) in a chunk of their own: only the desks with charts load it.
      output: {
        codeSplitting: {
          groups: [
            { name: 'charts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 2 },
            { name: 'vendor', test: /node_modules/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev:desks` beside `npm run dev`: the API and the live feed stay on the service.
    proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } },
  },
});
