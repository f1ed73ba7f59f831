// The HTTP shell every service shares: /healthz (the process is alive), /readyz (its dependencies
// answer), correlation ids, request metrics, no-store and nosniff on every answer, the configured socket
// timeouts, and one JSON error handler. Services mount their own routers on `app`; `listen` appends the
// 404 and error handlers last, as express requires. /metrics is not here: it has its own port
// (metrics-http.ts), which only the monitoring network reaches.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { withLogContext } from './logger.js';
import { DEFAULT_HTTP_SETTINGS, serverTimeoutOptions, type HttpSettings } from './http-settings.js';
import type { PlatformMetrics } from './metrics.js';
import type { RateLimits } from './rate-limits.js';

export const JSON_BODY_LIMIT = '100kb';
export const READINESS_CHECK_TIMEOUT_MS = 2_000;
/** After close(), idle keep-alive sockets go at once; busy ones get this long before they are cut. */
export const HTTP_CLOSE_GRACE_MS = 10_000;
const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Where requireToken finds the app's request budgets (express's app.locals, shared by its routers). */
export const RATE_LIMITS_LOCAL = 'dbayRateLimits';

/** An error an HTTP entry point raises on purpose; the error handler renders its status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Headers the answer carries (Retry-After on a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Resolves when the dependency is usable, rejects (with a short reason) when it is not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** Check name -> "ok", or the reason it failed. */
  checks: Record<string, string>;
}

/** The named checks behind /readyz. Shutdown flips it to not-ready before anything else stops. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`Readiness check "${name}" is already registered`);
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const checks: Record<string, string> = Object.fromEntries(entries);
    if (this.shuttingDown) checks.shutdown = 'shutting down';
    return { ready: Object.values(checks).every((outcome) => outcome === 'ok'), checks };
  }
}

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${READINESS_CHECK_TIMEOUT_MS} ms`)),
      READINESS_CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export interface HttpServerHandle {
  server: Server;
  port: number;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

export interface ServiceApp {
  app: Express;
  readiness: Readiness;
  /** Appends the 404 and error handlers (after the service's routers) and starts listening. */
  listen: (port: number, host?: string) => Promise<HttpServerHandle>;
}

export interface ServiceAppOptions {
  logger: Logger;
  metrics: PlatformMetrics;
  /** Socket timeouts and proxy trust; DEFAULT_HTTP_SETTINGS unless given (runService passes the config's). */
  settings?: HttpSettings;
  /** The budgets requireToken charges; without them nothing is rate limited. */
  rateLimits?: RateLimits;
  /**
   * Parse JSON bodies for every route (default). A service that forwards bodies untouched (a reverse
   * proxy) says false and mounts `jsonBodies()` on its own JSON routes only.
   */
  parseJsonBodies?: boolean;
}

/** The one JSON body parser (limit JSON_BODY_LIMIT; its failures become the coded 4xx errors below). */
export function jsonBodies(): RequestHandler {
  return express.json({ limit: JSON_BODY_LIMIT });
}

export function createServiceApp({
  logger,
  metrics,
  settings = DEFAULT_HTTP_SETTINGS,
  rateLimits,
  parseJsonBodies = true,
}: ServiceAppOptions): ServiceApp {
  const app = express();
  const readiness = new Readiness();
  app.disable('x-powered-by');
  // req.ip is then the client as the web proxy saw it, not the proxy: rate limits count per source.
  app.set('trust proxy', settings.trustProxyHops);
  if (rateLimits) app.locals[RATE_LIMITS_LOCAL] = rateLimits;
  app.use(apiHeaders);
  app.use(correlation());
  app.use(requestMetrics(metrics, logger));
  if (parseJsonBodies) app.use(jsonBodies());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await readiness.evaluate();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not-ready', ...report });
  });
  let finalized = false;
  return {
    app,
    readiness,
    async listen(port, host = '0.0.0.0') {
      if (!finalized) {
        app.use(notFound);
        app.use(errorHandler(logger));
        finalized = true;
      }
      const server = createServer(serverTimeoutOptions(settings), app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const boundPort = (server.address() as AddressInfo).port;
      logger.info({ port: boundPort }, 'HTTP server listening');
      return { server, port: boundPort, close: () => closeServer(server) };
    },
  };
}

/** Closes a server the platform's way: idle sockets at once, busy ones after HTTP_CLOSE_GRACE_MS. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
  try {
    await closed;
  } finally {
    clearTimeout(force);
  }
}

/** API answers are per caller and never cached; and a browser never guesses their type. */
const apiHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** Takes the caller's correlation id (or mints one), echoes it, and scopes the request's logs to it. */
function correlation(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(CORRELATION_HEADER);
    const correlationId = offered && CORRELATION_ID_PATTERN.test(offered) ? offered : randomUUID();
    res.locals.correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);
    withLogContext({ correlationId }, next);
  };
}

const QUIET_PATHS = new Set(['/healthz', '/readyz']);

function requestMetrics(metrics: PlatformMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => {
      // The route template, not the URL, keeps the label set small (no ids in labels).
      const route = req.route
        ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}`
        : 'unmatched';
      stopTimer({ method: req.method, route, status: String(res.statusCode) });
      if (!QUIET_PATHS.has(req.path)) {
        logger.info({ method: req.method, route, status: res.statusCode }, 'HTTP request');
      }
    });
    next();
  };
}

export interface ErrorBody {
  error: { code: string; message: string };
}

function sendError(res: express.Response, status: number, code: string, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.status(status).json(body);
}

const notFound: RequestHandler = (req, res) => {
  sendError(res, 404, 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}`);
};

/** body-parser's failures, by their `type`, as stable codes; their own messages are not part of our API. */
const BODY_ERRORS: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': { code: 'REQUEST_MALFORMED_JSON', message: 'The request body is not valid JSON.' },
  'entity.too.large': { code: 'REQUEST_TOO_LARGE', message: `The request body exceeds ${JSON_BODY_LIMIT}.` },
  'encoding.unsupported': { code: 'REQUEST_UNSUPPORTED_ENCODING', message: 'Unsupported content encoding.' },
  'charset.unsupported': { code: 'REQUEST_UNSUPPORTED_CHARSET', message: 'Unsupported charset.' },
};

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      res.set(error.headers);
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const clientError = asClientError(error);
    if (clientError) {
      const known = BODY_ERRORS[clientError.type ?? ''];
      sendError(
        res,
        clientError.status,
        known?.code ?? 'REQUEST_INVALID',
        known?.message ?? 'Invalid request.',
      );
      return;
    }
    // Anything else is a bug: log it whole, answer without a stack or internals.
    logger.error({ err: error }, 'Unhandled error in HTTP request');
    sendError(res, 500, 'INTERNAL_ERROR', 'Internal server error.');
  };
}

/** http-errors (raised by body-parser) mark client errors with a 4xx `status` and `expose: true`. */
function asClientError(error: unknown): { status: number; type?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return undefined;
  return { status, type: typeof type === 'string' ? type : undefined };
}
