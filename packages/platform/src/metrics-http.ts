// /metrics on its own port (METRICS_PORT, bound to METRICS_HOST), never on the public API port: the
// series name routes, queue depths and failure counts that are nobody's business but the operators'.
// In Kubernetes a NetworkPolicy lets only the monitoring namespace reach this port; Prometheus finds it
// through the pod's scrape annotations. Everything else on this port answers 404.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { closeServer, type HttpServerHandle } from './http.js';
import { DEFAULT_HTTP_SETTINGS, serverTimeoutOptions, type HttpSettings } from './http-settings.js';

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  logger: Logger;
  settings?: HttpSettings;
}

export async function serveMetrics({
  registry,
  port,
  host,
  logger,
  settings = DEFAULT_HTTP_SETTINGS,
}: MetricsServerOptions): Promise<HttpServerHandle> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: { code: 'ROUTE_NOT_FOUND', message: 'Only GET /metrics is served here.' } });
  });
  const server = createServer(serverTimeoutOptions(settings), app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  logger.info({ port: boundPort, host }, 'Metrics listening');
  return { server, port: boundPort, close: () => closeServer(server) };
}
