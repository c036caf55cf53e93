// Vite bundles the site's one small client script (and its CSS). The HTML pages are written by
// site/build/build.ts at build time, with code already highlighted: no highlighter in the browser.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Every URL relative: the site works under any base path, on any static host.
  base: './',
  appType: 'mpa',
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    modulePreload: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { app: here('client/main.ts') },
      output: { entryFileNames: 'assets/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
    },
  },
});
