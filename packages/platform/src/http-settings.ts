// How every service's HTTP servers treat their sockets, read from the platform's variables
// (HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_TRUST_PROXY_HOPS).
//
// Node enforces requestTimeout and headersTimeout only when its connection sweep runs, every
// `connectionsCheckingInterval` (30 s by default). With the default sweep a client that stops sending
// held its socket for up to the timeout plus 30 s: a configured 30 s became about 60 s. The sweep here
// runs every half second, so a configured timeout holds to within half a second.
import { ConfigError, type PlatformConfig } from './config.js';

/** How often Node sweeps sockets for expired request and header timeouts. */
export const HTTP_TIMEOUT_SWEEP_INTERVAL_MS = 500;

export interface HttpSettings {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Proxy hops whose X-Forwarded-For express believes when it names the source (req.ip). */
  trustProxyHops: number;
}

/** The defaults of serviceConfigShape, for apps built outside runService (tests, tools). */
export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  trustProxyHops: 0,
};

/** The settings of a parsed service configuration; headers cannot be allowed longer than the request. */
export function httpSettingsOf(
  config: Pick<
    PlatformConfig,
    | 'HTTP_REQUEST_TIMEOUT_MS'
    | 'HTTP_HEADERS_TIMEOUT_MS'
    | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
    | 'HTTP_TRUST_PROXY_HOPS'
  >,
): HttpSettings {
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      { variable: 'HTTP_HEADERS_TIMEOUT_MS', problem: 'must not exceed HTTP_REQUEST_TIMEOUT_MS' },
    ]);
  }
  return {
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    trustProxyHops: config.HTTP_TRUST_PROXY_HOPS,
  };
}

/** The options node:http's createServer takes for these settings. */
export function serverTimeoutOptions(settings: HttpSettings) {
  return {
    requestTimeout: settings.requestTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connectionsCheckingInterval: HTTP_TIMEOUT_SWEEP_INTERVAL_MS,
  };
}
