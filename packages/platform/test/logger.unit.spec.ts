// Proves that logs are JSON lines carrying the service and the correlation of the work in progress,
// and that secrets are censored wherever in a logged object they sit (up to two levels deep).
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, withLogContext } from '../src/index.js';

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ service: 'order', level: 'debug', destination }), lines };
}

describe('logger', () => {
  it('writes JSON with the service, a level label and an ISO time', () => {
    const { logger, lines } = captureLogger();
    logger.info('hello');
    expect(lines[0]).to.include({ service: 'order', level: 'info', msg: 'hello' });
    expect(lines[0]?.time).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('adds the correlation of the current unit of work to every line, also in async continuations', async () => {
    const { logger, lines } = captureLogger();
    await withLogContext({ correlationId: 'flow-7', eventId: 'e-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.child({ component: 'x' }).info('inside');
    });
    logger.info('outside');
    expect(lines[0]).to.include({ correlationId: 'flow-7', eventId: 'e-1', component: 'x' });
    expect(lines[1]).not.to.have.property('correlationId');
  });

  it('censors secrets at the top level and nested', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        password: 'p1',
        mnemonic: 'abandon abandon',
        signer: { seed: 's1', privateKey: 'k1', xprv: 'xprv1', passphrase: 'pp' },
        req: { headers: { authorization: 'Bearer t' } },
        keep: 'visible',
      },
      'secrets',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['p1', 'abandon', 's1', 'k1', 'xprv1', '"pp"', 'Bearer'])
      expect(text).not.to.include(secret);
    expect(lines[0]).to.include({ keep: 'visible', password: '[REDACTED]' });
  });
});
