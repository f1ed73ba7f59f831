// The pages are plain static files: `vite build` writes dist/, which services/web serves on the same
// origin as the user APIs, so every request is relative and no CORS is involved. `vite` (dev) proxies
// the API routes to a locally running services/web (WEB_URL, default http://127.0.0.1:7107).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webUrl = process.env.WEB_URL ?? 'http://127.0.0.1:7107';

export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/v1': webUrl, '/dev': webUrl, '/config.json': webUrl },
  },
});
