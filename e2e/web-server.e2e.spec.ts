// Proves the wallet page's server on the running stack (http://127.0.0.1:7107): /config.json says what the
// page needs; the development login hands out a token that the wallet accepts through the same origin;
// only the user APIs are forwarded (/internal and /ops are not); bad login names are coded 400s; the
// event stream refuses a caller without a token, says `ready`, and nudges the user when a payment to their
// deposit address is seen on the regtest chain; a web process started with the production configuration
// has no development login at all, and production refuses to turn it on.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT, stackEndpoints, waitFor, stackKafkaClientEnv } from '@dbay/testing';
import { chainControl } from './deposit-support.js';

const web = stackEndpoints().services.web.url;

interface Login {
  token: string;
  userId: string;
  name: string;
  expiresAt: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}

async function login(name: string): Promise<Login> {
  const response = await fetch(`${web}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status, `login as ${name}`).to.equal(200);
  return (await response.json()) as Login;
}

/** A unique development user name (1-32 of [a-z0-9_-]). */
function uniqueName(): string {
  return `e2e-${randomUUID().slice(0, 12)}`;
}

interface SseEvent {
  event: string;
  data: string;
}

/** Reads a text/event-stream answer frame by frame (frames end with a blank line; `:` lines are comments). */
class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private done: Promise<void>;

  constructor(response: Response) {
    const body = response.body;
    if (!body) throw new Error('the event stream has no body');
    this.done = this.pump(body.pipeThrough(new TextDecoderStream()).getReader());
  }

  async waitFor(predicate: (event: SseEvent) => boolean, description: string, timeoutMs = 60_000) {
    await waitFor(() => this.events.some(predicate), { timeoutMs, description });
    return this.events.find(predicate)!;
  }

  async finished(): Promise<void> {
    await this.done.catch(() => undefined);
  }

  private async pump(reader: ReadableStreamDefaultReader<string>): Promise<void> {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      this.buffer += value;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const frame = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const lines = frame.split('\n');
        const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
        const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length);
        if (event !== undefined) this.events.push({ event, data: data ?? '' });
        else this.comments.push(...lines.filter((line) => line.startsWith(':')));
      }
    }
  }
}

function openStream(token: string | undefined, signal: AbortSignal): Promise<Response> {
  return fetch(`${web}/v1/events`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal,
  });
}

describe('web server on the stack (e2e)', function () {
  this.timeout(180_000);

  before(async () => {
    // The event feed must be in its group before a test counts on a nudge.
    await waitFor(async () => (await fetch(`${web}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      description: 'web /readyz',
    });
  });

  it('serves /config.json for the page, with the security headers', async () => {
    const response = await fetch(`${web}/config.json`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      network: 'regtest',
      devLogin: true,
      confirmationsRequired: 6,
    });
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(response.headers.get('content-security-policy')).to.contain("default-src 'self'");
  });

  it('logs a user in by name (the same name is the same user) with a token the wallet accepts through the proxy', async () => {
    const name = uniqueName();
    const first = await login(name.toUpperCase());
    const again = await login(name);
    expect(first.name).to.equal(name);
    expect(again.userId).to.equal(first.userId);
    expect(Date.parse(first.expiresAt) - Date.now()).to.be.within(0, 60 * 60 * 1000 + 5_000);

    // A new user has no wallet until they ask for a deposit address: the wallet's own coded 404, through the proxy.
    const before = await fetch(`${web}/v1/balance`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(before.status).to.equal(404);
    expect(((await before.json()) as { error: { code: string } }).error.code).to.equal('WALLET_NOT_FOUND');
    const opened = await fetch(`${web}/v1/deposit-address`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'idempotency-key': randomUUID() },
    });
    expect(opened.status).to.be.oneOf([200, 201]);
    const balance = await fetch(`${web}/v1/balance`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(balance.status).to.equal(200);
    const body = (await balance.json()) as Record<string, unknown>;
    expect(body).to.include.keys('available', 'locked', 'pending');

    const listings = await fetch(`${web}/v1/listings`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(listings.status, 'the order service answers through the same origin').to.equal(200);

    const anonymous = await fetch(`${web}/v1/balance`);
    expect(anonymous.status, 'the wallet itself refuses a call without a token').to.equal(401);
  });

  it('forwards a POST body and its Idempotency-Key untouched (the same key gives the same address)', async () => {
    const { token } = await login(uniqueName());
    const key = randomUUID();
    const post = () =>
      fetch(`${web}/v1/deposit-address`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: '{}',
      });
    const first = await post();
    expect([200, 201]).to.include(first.status);
    const second = await post();
    expect([200, 201]).to.include(second.status);
    const [a, b] = [
      (await first.json()) as { address: string },
      (await second.json()) as { address: string },
    ];
    expect(b.address).to.equal(a.address);
  });

  it('does not forward /internal or /ops: they are 404 here', async () => {
    const { token } = await login(uniqueName());
    for (const [method, route] of [
      ['POST', '/internal/pay-order'],
      ['GET', '/internal/balances'],
      ['GET', '/ops/disputes'],
      ['POST', '/ops/dev/clock'],
    ] as const) {
      const response = await fetch(`${web}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(response.status, `${method} ${route}`).to.equal(404);
      expect(((await response.json()) as ErrorBody).error.code).to.equal('ROUTE_NOT_FOUND');
    }
  });

  it('refuses bad login names with a coded 400', async () => {
    for (const body of [
      { name: '' },
      { name: 'a'.repeat(33) },
      { name: 'al ice' },
      { name: 'alice!' },
      { name: 42 },
      {},
    ]) {
      const response = await fetch(`${web}/dev/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, JSON.stringify(body)).to.equal(400);
      expect(((await response.json()) as ErrorBody).error.code).to.equal('WEB_LOGIN_NAME_INVALID');
    }
    const malformed = await fetch(`${web}/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as ErrorBody).error.code).to.equal('REQUEST_MALFORMED_JSON');
  });

  it('refuses the event stream without a valid user token (coded 401)', async () => {
    const none = await fetch(`${web}/v1/events`);
    expect(none.status).to.equal(401);
    expect(((await none.json()) as ErrorBody).error.code).to.equal('WEB_UNAUTHENTICATED');
    const forged = await fetch(`${web}/v1/events`, { headers: { authorization: 'Bearer a.b.c' } });
    expect(forged.status).to.equal(401);
    expect(((await forged.json()) as ErrorBody).error.code).to.equal('WEB_TOKEN_INVALID');
  });

  it("streams `ready`, then a `deposit` nudge when a payment to the user's address is seen and mined", async () => {
    const { token } = await login(uniqueName());
    const addressAnswer = await fetch(`${web}/v1/deposit-address`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: '{}',
    });
    expect([200, 201]).to.include(addressAnswer.status);
    const { address } = (await addressAnswer.json()) as { address: string };

    const abort = new AbortController();
    const response = await openStream(token, abort.signal);
    try {
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
      const stream = new SseReader(response);
      await stream.waitFor((event) => event.event === 'ready', 'the ready event', 10_000);

      const control = chainControl();
      const { txid } = await control.fund([{ address, amount: '12.5' }]);
      await control.mine(1);
      const nudge = await stream.waitFor(
        (event) => event.event === 'deposit' && event.data.includes(txid),
        'a deposit nudge for the payment',
      );
      const data = JSON.parse(nudge.data) as { topic: string; id: string };
      expect(data.topic).to.match(/^deposit\./);
      expect(data.id).to.match(new RegExp(`^${txid}:\\d+$`));
      expect(Object.keys(data).sort()).to.deep.equal(['id', 'topic']);
    } finally {
      abort.abort();
    }
  });

  it('limits open streams per user with a coded 429', async () => {
    const { token } = await login(uniqueName());
    const abort = new AbortController();
    try {
      const open: Response[] = [];
      for (let index = 0; index < 5; index++) open.push(await openStream(token, abort.signal));
      expect(open.map((response) => response.status)).to.deep.equal([200, 200, 200, 200, 200]);
      const refused = await fetch(`${web}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).to.equal(429);
      expect(((await refused.json()) as ErrorBody).error.code).to.equal('WEB_TOO_MANY_STREAMS');
    } finally {
      abort.abort();
    }
  });
});

describe('web server with the production configuration (e2e)', function () {
  this.timeout(120_000);

  const stack = stackEndpoints();
  const main = path.join(REPO_ROOT, 'services/web/src/main.ts');

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  function productionEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
      // Its own metrics port: the stack's web already holds 9107.
      METRICS_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      ...stackKafkaClientEnv('web'),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      WALLET_URL: stack.services.wallet.url,
      ORDER_URL: stack.services.order.url,
      USER_JWT_PUBLIC_KEY_FILE: path.join(stack.secretsDir, 'user-jwt-public.pem'),
      ...extra,
    };
  }

  function exitOf(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  it('has no POST /dev/login and says devLogin false', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: REPO_ROOT,
      env: productionEnv(port),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = exitOf(child);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200, {
        timeoutMs: 60_000,
        description: 'the production-configured web to listen',
      });
      const loginAnswer = await fetch(`${base}/dev/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'alice' }),
      });
      expect(loginAnswer.status).to.equal(404);
      expect(((await loginAnswer.json()) as ErrorBody).error.code).to.equal('ROUTE_NOT_FOUND');
      const config = (await (await fetch(`${base}/config.json`)).json()) as { devLogin: boolean };
      expect(config.devLogin).to.equal(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, 'exit code on SIGTERM').to.equal(0);
  });

  it('refuses to start with WEB_DEV_LOGIN=true under NODE_ENV=production, even with the private key', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: REPO_ROOT,
      env: productionEnv(await freePort(), {
        WEB_DEV_LOGIN: 'true',
        USER_JWT_PRIVATE_KEY_FILE: path.join(stack.secretsDir, 'user-jwt-private.pem'),
      }),
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    expect(await exitOf(child)).to.equal(1);
  });
});
