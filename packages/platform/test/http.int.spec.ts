// Proves the HTTP shell every service shares: liveness and readiness (503 naming each failed check),
// Prometheus metrics with the platform's series on the metrics port only (404 on the API port),
// no-store and nosniff on API answers, correlation ids, and an error handler that answers malformed JSON
// with a coded 400 and never shows a stack trace; without the global JSON parser, bodies
// reach a forwarding route untouched. Then its hygiene: configured header and request
// timeouts hold against slow-loris clients at the socket level, and the request budgets answer 429
// RATE_LIMITED with Retry-After per user on POSTs and per source (behind a trusted proxy) on
// authentication failures, counted in the real Redis (REDIS_URL) under a throwaway key prefix.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { expect } from 'chai';
import { SignJWT, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { z } from 'zod';
import {
  createLogger,
  createMetrics,
  createServiceApp,
  DEFAULT_REDIS_URL,
  HttpError,
  jsonBodies,
  httpSettingsOf,
  loadConfig,
  RateLimits,
  requireToken,
  serveMetrics,
  serviceConfigShape,
  TokenVerifier,
  type HttpServerHandle,
} from '../src/index.js';

const silent = () => createLogger({ service: 'http-test', level: 'silent' });

describe('service HTTP app (integration)', () => {
  let server: HttpServerHandle;
  let metricsServer: HttpServerHandle;
  let base: string;
  let consumerJoined = false;
  let shell: ReturnType<typeof createServiceApp>;

  before(async () => {
    const metrics = createMetrics({ service: 'http-test' });
    shell = createServiceApp({ logger: silent(), metrics });
    shell.readiness.register('database', () => Promise.resolve());
    shell.readiness.register('kafka-consumer', () =>
      consumerJoined ? Promise.resolve() : Promise.reject(new Error('consumer has not joined its group')),
    );
    shell.app.post('/echo', (req, res) => {
      res.json({ body: req.body as unknown });
    });
    shell.app.get('/boom', () => {
      throw new Error('internal detail /srv/secret.ts:12');
    });
    shell.app.get('/async-boom', async () => {
      await Promise.resolve();
      throw new Error('async internal detail');
    });
    shell.app.get('/domain', () => {
      throw new HttpError(409, 'ORDER_ALREADY_PAID', 'The order is already paid.');
    });
    server = await shell.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
    metricsServer = await serveMetrics({
      registry: metrics.registry,
      port: 0,
      host: '127.0.0.1',
      logger: silent(),
    });
  });

  after(async () => {
    await server.close();
    await metricsServer.close();
  });

  it('answers /healthz while the process lives', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).to.equal(200);
  });

  it('answers /readyz 503 naming the failed check, then 200 once it passes, then 503 while shutting down', async () => {
    let response = await fetch(`${base}/readyz`);
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({
      status: 'not-ready',
      ready: false,
      checks: { database: 'ok', 'kafka-consumer': 'consumer has not joined its group' },
    });
    consumerJoined = true;
    response = await fetch(`${base}/readyz`);
    expect(response.status).to.equal(200);
    shell.readiness.markShuttingDown();
    response = await fetch(`${base}/readyz`);
    expect(response.status).to.equal(503);
    expect(((await response.json()) as { checks: Record<string, string> }).checks.shutdown).to.equal(
      'shutting down',
    );
  });

  it('exposes default and platform metrics in the Prometheus format on the metrics port only', async () => {
    const onApiPort = await fetch(`${base}/metrics`);
    expect(onApiPort.status).to.equal(404);
    expect(((await onApiPort.json()) as { error: { code: string } }).error.code).to.equal('ROUTE_NOT_FOUND');
    expect((await fetch(`http://127.0.0.1:${metricsServer.port}/healthz`)).status).to.equal(404);

    const response = await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await response.text();
    for (const name of [
      'process_cpu_seconds_total',
      'dbay_outbox_published_total',
      'dbay_outbox_pending',
      'dbay_consumer_processed_total',
      'dbay_consumer_duplicates_total',
      'dbay_consumer_dlq_total',
      'dbay_consumer_handler_duration_seconds',
    ]) {
      expect(text).to.include(`# TYPE ${name}`);
    }
  });

  it('marks every API answer, success or error, no-store and nosniff', async () => {
    for (const path of ['/healthz', '/nope', '/domain']) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get('cache-control'), path).to.equal('no-store');
      expect(response.headers.get('x-content-type-options'), path).to.equal('nosniff');
    }
  });

  it('parses JSON bodies and echoes or mints a correlation id', async () => {
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'flow-42' },
      body: JSON.stringify({ amount: '12.5' }),
    });
    expect(await response.json()).to.deep.equal({ body: { amount: '12.5' } });
    expect(response.headers.get('x-correlation-id')).to.equal('flow-42');
    const minted = await fetch(`${base}/healthz`);
    expect(minted.headers.get('x-correlation-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with a coded 400, never a 500', async () => {
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"amount": ',
    });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.equal({
      error: { code: 'REQUEST_MALFORMED_JSON', message: 'The request body is not valid JSON.' },
    });
  });

  it('answers bugs, sync or async, with a bare 500 that leaks nothing', async () => {
    for (const path of ['/boom', '/async-boom']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).to.equal(500);
      const text = await response.text();
      expect(JSON.parse(text)).to.deep.equal({
        error: { code: 'INTERNAL_ERROR', message: 'Internal server error.' },
      });
      expect(text).not.to.match(/internal detail|\.ts|at /);
    }
  });

  it('renders HttpError and unknown routes with their codes', async () => {
    const domain = await fetch(`${base}/domain`);
    expect(domain.status).to.equal(409);
    expect(await domain.json()).to.deep.equal({
      error: { code: 'ORDER_ALREADY_PAID', message: 'The order is already paid.' },
    });
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).to.equal('ROUTE_NOT_FOUND');
  });
});

describe('service HTTP app without the global JSON parser (integration)', () => {
  let server: HttpServerHandle;
  let base: string;

  before(async () => {
    const shell = createServiceApp({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
      metrics: createMetrics({ service: 'http-test' }),
      parseJsonBodies: false,
    });
    // A forwarding route reads the bytes as they came; a JSON route opts in with jsonBodies().
    shell.app.post('/raw', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.json({ parsed: req.body !== undefined, raw: Buffer.concat(chunks).toString('utf8') });
    });
    shell.app.post('/json', jsonBodies(), (req, res) => {
      res.json({ body: req.body as unknown });
    });
    server = await shell.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });

  after(() => server.close());

  it('leaves a JSON body unread for the routes that forward it, byte for byte', async () => {
    const text = '{ "amount" : "1.00000000" }';
    const response = await fetch(`${base}/raw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    expect(await response.json()).to.deep.equal({ parsed: false, raw: text });
  });

  it('parses where jsonBodies() is mounted, with the same coded 400 for malformed JSON', async () => {
    const ok = await fetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"alice"}',
    });
    expect(await ok.json()).to.deep.equal({ body: { name: 'alice' } });
    const bad = await fetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal('REQUEST_MALFORMED_JSON');
  });
});

/** Opens a raw socket, writes `head`, then drips `drip` every 200 ms; resolves when the server closes it. */
function slowClient(
  port: number,
  head: string,
  drip: string,
): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const dripper = setInterval(() => {
      if (socket.writable) socket.write(drip);
    }, 200);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    // A write racing the server's close may fail; the close is what this client waits for.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(dripper);
      resolve({ closedAfterMs: Date.now() - startedAt, received });
    });
    setTimeout(() => {
      clearInterval(dripper);
      socket.destroy();
      reject(new Error('the server kept the slow socket open for 15 s'));
    }, 15_000).unref();
  });
}

describe('service HTTP app: configured timeouts against slow clients (integration)', function () {
  this.timeout(30_000);
  let server: HttpServerHandle;
  /** Headers within 1 s, the whole request within 3 s, as a service configured so would have. */
  const env = {
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '3000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '700',
  };
  /** Node's socket sweep (HTTP_TIMEOUT_SWEEP_INTERVAL_MS, 500 ms) plus a loaded machine's slack. */
  const SWEEP_AND_SLACK_MS = 2_000;

  before(async () => {
    const config = loadConfig(z.object(serviceConfigShape('http-test', env)), env);
    const shell = createServiceApp({
      logger: silent(),
      metrics: createMetrics({ service: 'http-test' }),
      settings: httpSettingsOf(config),
    });
    shell.app.post('/echo', (req, res) => {
      res.json({ body: req.body as unknown });
    });
    server = await shell.listen(0, '127.0.0.1');
  });
  after(() => server.close());

  it('applies the configured timeouts to the listening server', () => {
    expect(server.server.headersTimeout).to.equal(1_000);
    expect(server.server.requestTimeout).to.equal(3_000);
    expect(server.server.keepAliveTimeout).to.equal(700);
  });

  it('cuts off a client that drips its headers, with 408, once the header timeout has passed', async () => {
    const { closedAfterMs, received } = await slowClient(
      server.port,
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\n',
      'X-Drip: a\r\n',
    );
    expect(closedAfterMs)
      .to.be.at.least(900)
      .and.below(1_000 + SWEEP_AND_SLACK_MS);
    expect(received).to.match(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that drips its body once the request timeout has passed', async () => {
    const { closedAfterMs, received } = await slowClient(
      server.port,
      'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
      ' ',
    );
    expect(closedAfterMs)
      .to.be.at.least(2_900)
      .and.below(3_000 + SWEEP_AND_SLACK_MS);
    expect(received).to.not.match(/^HTTP\/1\.1 2/);
  });
});

describe('service HTTP app: request budgets (integration, Redis)', function () {
  this.timeout(30_000);
  const ISSUER = 'http-test-auth';
  const AUDIENCE = 'http-test-api';
  const CODES = {
    UNAUTHENTICATED: 'TEST_UNAUTHENTICATED',
    EXPIRED: 'TEST_TOKEN_EXPIRED',
    INVALID: 'TEST_TOKEN_INVALID',
    FORBIDDEN: 'TEST_FORBIDDEN',
  };
  let server: HttpServerHandle;
  let base: string;
  let rateLimits: RateLimits;
  let signingKey: CryptoKey;

  const tokenFor = (userId: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(signingKey);

  /** As the web proxy would forward it: the client's address in X-Forwarded-For. */
  const call = (method: 'GET' | 'POST', token: string, source: string) =>
    fetch(`${base}/things`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': source },
    });

  const expectRateLimited = async (response: Response): Promise<void> => {
    expect(response.status).to.equal(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).to.be.a('number').and.to.be.at.least(1).and.at.most(60);
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('RATE_LIMITED');
  };

  before(async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    signingKey = keys.privateKey;
    const verifier = await TokenVerifier.create({
      user: { publicKeyPem: await exportSPKI(keys.publicKey), issuer: ISSUER, audience: AUDIENCE },
    });
    rateLimits = new RateLimits({
      redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
      keyPrefix: `dbay:rate:http-test-${randomBytes(4).toString('hex')}`,
      windowSeconds: 60,
      userPosts: 3,
      authFailures: 2,
    });
    const shell = createServiceApp({
      logger: silent(),
      metrics: createMetrics({ service: 'http-test' }),
      settings: {
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5_000,
        trustProxyHops: 1,
      },
      rateLimits,
    });
    const user = requireToken(verifier, { kind: 'user' }, CODES);
    shell.app.get('/things', user, (_req, res) => {
      res.json({ things: [] });
    });
    shell.app.post('/things', user, (_req, res) => {
      res.status(201).json({ created: true });
    });
    server = await shell.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    await rateLimits.close();
  });

  it("refuses a user's POSTs past the budget with 429 and Retry-After, leaving reads and other users alone", async () => {
    const alice = await tokenFor(randomUUID());
    for (let n = 1; n <= 3; n += 1) {
      expect((await call('POST', alice, '198.51.100.1')).status, `POST ${n}`).to.equal(201);
    }
    // Another source does not reset a user's budget: it is counted per user.
    await expectRateLimited(await call('POST', alice, '198.51.100.2'));
    expect((await call('GET', alice, '198.51.100.1')).status).to.equal(200);
    const bob = await tokenFor(randomUUID());
    expect((await call('POST', bob, '198.51.100.1')).status).to.equal(201);
  });

  it('answers a source past its budget of 401s with 429, even with a valid token, and no other source', async () => {
    const valid = await tokenFor(randomUUID());
    const guessed = `${valid.slice(0, -4)}AAAA`;
    expect((await call('GET', guessed, '198.51.100.7')).status).to.equal(401);
    expect((await call('GET', 'not-a-token', '198.51.100.7')).status).to.equal(401);
    await expectRateLimited(await call('GET', guessed, '198.51.100.7'));
    await expectRateLimited(await call('GET', valid, '198.51.100.7'));
    // The proxy named another client: its budget is its own.
    expect((await call('GET', valid, '198.51.100.8')).status).to.equal(200);
    expect((await call('GET', guessed, '198.51.100.8')).status).to.equal(401);
  });
});
