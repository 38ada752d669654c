import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mantineStaticCss } from './build/mantine-static-css';
import { cssVariablesResolver, theme } from './src/app/theme';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** Built into dist/web, which the API server serves at `/` (src/server/web-app.ts). */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react(), mantineStaticCss(theme, cssVariablesResolver)],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Everything the server answers is under /assets/ with a content hash: cached for a year.
    assetsDir: 'assets',
    // Keeps assets as files: a data: URL or inline asset would need a looser CSP.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
