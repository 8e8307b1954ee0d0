import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  // Main runs in Node: workspace and npm dependencies stay external and load from node_modules.
  main: {
    build: { outDir: 'dist/main', rollupOptions: { input: resolve('src/main/index.ts') } },
  },
  // A sandboxed preload cannot load modules: one self-contained CommonJS file.
  preload: {
    build: {
      outDir: 'dist/preload',
      externalizeDeps: false,
      rollupOptions: { input: resolve('src/preload/index.ts'), output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    base: './',
    build: {
      outDir: 'dist/renderer',
      rollupOptions: {
        input: resolve('src/renderer/index.html'),
        // zod's sources carry comments Rollup cannot place; the warning is noise for every build.
        onwarn(warning, warn) {
          if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
        },
      },
    },
  },
});
