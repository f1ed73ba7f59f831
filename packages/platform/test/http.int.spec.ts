// Proves the HTTP shell every service shares: liveness and readiness (503 naming each failed check),
// Prometheus metrics with the platform's series, correlation ids, and an error handler that answers
// malformed JSON with a coded 400 and never shows a stack trace; without the global JSON parser, bodies
// reach a forwarding route untouched. Uses a local socket, not the stack.
import { expect } from 'chai';
import {
  createLogger,
  createMetrics,
  createServiceApp,
  HttpError,
  jsonBodies,
  type HttpServerHandle,
} from '../src/index.js';

describe('service HTTP app (integration)', () => {
  let server: HttpServerHandle;
  let base: string;
  let consumerJoined = false;
  let shell: ReturnType<typeof createServiceApp>;

  before(async () => {
    shell = createServiceApp({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
      metrics: createMetrics({ service: 'http-test' }),
    });
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
  });

  after(() => server.close());

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

  it('exposes default and platform metrics in the Prometheus format', async () => {
    const response = await fetch(`${base}/metrics`);
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
