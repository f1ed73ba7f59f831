// Proves the HTTP hygiene variables every service shares: the timeouts, proxy hops, metrics port and
// request budgets have the documented defaults (budgets high enough that no test or benchmark is
// throttled), are read from the environment, and a header timeout longer than the request's stops boot.
import { expect } from 'chai';
import { z } from 'zod';
import {
  ConfigError,
  DEFAULT_RATE_LIMIT_POINTS,
  HTTP_TIMEOUT_SWEEP_INTERVAL_MS,
  httpSettingsOf,
  loadConfig,
  rateLimitSettingsOf,
  serverTimeoutOptions,
  serviceConfigShape,
} from '../src/index.js';

const configOf = (service: string, env: Record<string, string>) =>
  loadConfig(z.object(serviceConfigShape(service, env)), env);

describe('HTTP hygiene settings', () => {
  it('defaults to 30 s per request, 10 s for headers, 5 s keep-alive, no trusted proxy', () => {
    expect(httpSettingsOf(configOf('wallet', {}))).to.deep.equal({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      trustProxyHops: 0,
    });
  });

  it('reads the timeouts and proxy hops from the environment', () => {
    const config = configOf('order', {
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_HEADERS_TIMEOUT_MS: '1500',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '700',
      HTTP_TRUST_PROXY_HOPS: '1',
    });
    expect(httpSettingsOf(config)).to.deep.equal({
      requestTimeoutMs: 4_000,
      headersTimeoutMs: 1_500,
      keepAliveTimeoutMs: 700,
      trustProxyHops: 1,
    });
  });

  it('sweeps sockets at least every second, so a configured timeout is not stretched by Node’s 30 s sweep', () => {
    const options = serverTimeoutOptions(httpSettingsOf(configOf('wallet', {})));
    expect(options.connectionsCheckingInterval).to.equal(HTTP_TIMEOUT_SWEEP_INTERVAL_MS).and.at.most(1_000);
    expect(options.requestTimeout).to.equal(30_000);
    expect(options.headersTimeout).to.equal(10_000);
  });

  it('refuses a header timeout longer than the request timeout, naming the variable', () => {
    const config = configOf('wallet', { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' });
    expect(() => httpSettingsOf(config))
      .to.throw(ConfigError)
      .with.property('variables')
      .that.deep.equals(['HTTP_HEADERS_TIMEOUT_MS']);
  });

  it('refuses negative or non-numeric hops and timeouts', () => {
    const bad: Record<string, string>[] = [
      { HTTP_TRUST_PROXY_HOPS: '-1' },
      { HTTP_REQUEST_TIMEOUT_MS: 'soon' },
    ];
    for (const env of bad) {
      expect(() => configOf('wallet', env), JSON.stringify(env)).to.throw(ConfigError);
    }
  });

  it('gives each service its own metrics port, apart from its API port, and 0 (any) to others', () => {
    const ports = ['wallet', 'order', 'deposit-watcher', 'withdrawal-saga', 'signer', 'reconciler'].map(
      (service) => configOf(service, {}).METRICS_PORT,
    );
    expect(ports).to.deep.equal([9101, 9102, 9103, 9104, 9105, 9106]);
    expect(configOf('fixture', {}).METRICS_PORT).to.equal(0);
    expect(configOf('wallet', { METRICS_PORT: '9200' }).METRICS_PORT).to.equal(9200);
  });

  it('budgets requests generously by default and per service in Redis', () => {
    const settings = rateLimitSettingsOf(configOf('wallet', {}));
    expect(settings).to.deep.equal({
      redisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'dbay:rate:wallet',
      windowSeconds: 60,
      userPosts: DEFAULT_RATE_LIMIT_POINTS,
      authFailures: DEFAULT_RATE_LIMIT_POINTS,
    });
    expect(DEFAULT_RATE_LIMIT_POINTS).to.be.at.least(1_000_000);
    const tight = rateLimitSettingsOf(
      configOf('order', {
        RATE_LIMIT_USER_POSTS: '3',
        RATE_LIMIT_AUTH_FAILURES: '2',
        RATE_LIMIT_WINDOW_SECONDS: '10',
      }),
    );
    expect([tight.userPosts, tight.authFailures, tight.windowSeconds]).to.deep.equal([3, 2, 10]);
  });
});
