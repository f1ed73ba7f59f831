// Proves runService's process contract on a real process and the real Postgres: it starts and reports
// healthy and ready, drains on SIGTERM (finishing an in-flight request, stopping every resource) and
// exits 0; and a bad configuration stops it with exit code 1 and a message naming the variable.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { endpoints, waitFor } from './support/harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/service-main.ts', import.meta.url));

interface Running {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startFixture(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('runService (integration)', function () {
  this.timeout(30_000);

  it('starts, reports ready, finishes in-flight work on SIGTERM and exits 0', async () => {
    const service = startFixture({ HTTP_PORT: '0', DATABASE_URL: endpoints.adminDatabaseUrl });
    await waitFor('service started', () => service.lines.some((line) => line.msg === 'Service started'));
    const port = service.lines.find((line) => line.msg === 'HTTP server listening')?.port as number;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);

    const inFlight = fetch(`${base}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    service.child.kill('SIGTERM');
    expect(await (await inFlight).json()).to.deep.equal({ finished: true });
    expect(await service.exited).to.equal(0);
    const messages = service.lines.map((line) => line.msg);
    expect(messages).to.include.members(['Shutting down', 'probe stopped', 'Stopped cleanly']);
    expect(messages.indexOf('probe stopped')).to.be.lessThan(messages.indexOf('Stopped cleanly'));
  });

  it('refuses to start on a bad variable, naming it, with exit code 1', async () => {
    const service = startFixture({ HTTP_PORT: 'eighty', DATABASE_URL: endpoints.adminDatabaseUrl });
    expect(await service.exited).to.equal(1);
    const fatal = service.lines.find((line) => line.level === 'fatal');
    expect(fatal?.msg).to.match(/^Invalid configuration: HTTP_PORT: /);
  });
});
