// The dashboard's build: Preact + TypeScript into static files under dist/web, which hookbot serves
// at `/` with long-lived caching for the hashed assets.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Small and old-browser-safe enough for a phone; no source maps shipped to users.
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
});
