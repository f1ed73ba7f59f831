/**
 * The built UI (services/web/ui/dist, written by `npm run build -w @dbay/web-ui`; never committed) and
 * GET /config.json, what the page reads first. index.html is never cached (it names the current
 * assets); Vite's fingerprinted files under /assets are cached for good. A missing build answers `/`
 * with a coded 503 saying how to build it, checked per request so a build after start is picked up.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { NetworkName } from '@dbay/dogecoin';
import { webError } from './error-table.js';

export interface PageConfig {
  network: NetworkName;
  devLogin: boolean;
  confirmationsRequired: number;
}

export function uiRoutes(distDir: string, pageConfig: PageConfig): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');

  router.get('/config.json', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(pageConfig);
  });

  router.get(['/', '/index.html'], (_req, res) => {
    if (!existsSync(index)) {
      throw webError('WEB_UI_NOT_BUILT', 'The UI is not built: run `npm run build -w @dbay/web-ui`.');
    }
    res.setHeader('cache-control', 'no-store');
    res.sendFile(index);
  });

  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      index: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
    }),
  );
  // Other files Vite copies from public/ (favicon, ...): revalidated, never the index.
  router.use(express.static(distDir, { index: false, fallthrough: true }));
  return router;
}
