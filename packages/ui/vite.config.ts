import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the inbound listener under /console/ (the root path belongs to inbound
// Action URLs), so every asset URL is relative to that base.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist/console',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place; the warning is noise for every build.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
});
