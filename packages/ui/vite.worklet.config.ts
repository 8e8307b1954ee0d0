import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The audio worklet as one self-contained ES module next to the library's audio files: an app
// bundler (the desktop renderer's) copies `new URL('./pcm-worklet.js', import.meta.url)` as an asset
// without following imports, and a worklet cannot load the library's other files by bare name.
export default defineConfig({
  build: {
    outDir: 'dist/lib/audio',
    emptyOutDir: false,
    minify: false,
    lib: { entry: resolve('src/audio/worklet/pcm-processors.ts'), formats: ['es'], fileName: () => 'pcm-worklet.js' },
    rollupOptions: {
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
});
