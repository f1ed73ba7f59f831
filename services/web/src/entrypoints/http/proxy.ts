/**
 * The user APIs on the page's origin: requests under the wallet's and the order service's /v1 routes
 * are forwarded as they came (method, path, query, headers including Authorization and
 * Idempotency-Key, and the body byte for byte: this app parses no body before it). Nothing else is
 * forwarded: /internal and /ops of either service are not reachable through the web at all.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import { ERROR_STATUS } from './error-table.js';

/** The wallet's user routes (services/wallet/src/entrypoints/http/user-routes.ts). */
export const WALLET_PATHS = [
  '/v1/balance',
  '/v1/ledger',
  '/v1/withdrawals',
  '/v1/deposits',
  '/v1/deposit-address',
  '/v1/withdrawal-policy',
] as const;

/** The order service's user routes (listings, orders, auctions, the caller's bids). */
export const ORDER_PATHS = ['/v1/listings', '/v1/orders', '/v1/auctions', '/v1/bids'] as const;

/** `path` is one of `prefixes` or below one of them (`/v1/orders/<id>`), never a longer name. */
export function underAny(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export function apiProxy(options: {
  target: string;
  paths: readonly string[];
  timeoutMs: number;
  logger: Logger;
}): RequestHandler {
  const { target, paths, timeoutMs, logger } = options;
  return createProxyMiddleware({
    target,
    pathFilter: (pathname) => underAny(paths, pathname),
    xfwd: true,
    proxyTimeout: timeoutMs,
    on: {
      proxyReq: (proxyReq, _req, res) => {
        // The request's correlation id (the platform minted or took it) follows it upstream.
        const correlationId = res.getHeader('x-correlation-id');
        if (typeof correlationId === 'string') proxyReq.setHeader('x-correlation-id', correlationId);
      },
      error: (error, req, res) => {
        logger.warn({ err: error, target, path: req.url?.split('?')[0] }, 'Upstream request failed');
        answerUnavailable(res);
      },
    },
  });
}

function answerUnavailable(res: ServerResponse | Socket): void {
  if (!('writeHead' in res)) {
    res.destroy();
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error: { code: 'WEB_UPSTREAM_UNAVAILABLE', message: 'The service behind this API did not answer.' },
  });
  res.writeHead(ERROR_STATUS.WEB_UPSTREAM_UNAVAILABLE, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
}
