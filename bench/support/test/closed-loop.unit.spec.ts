// Proves that the closed loop is what the benchmarks say it is: exactly `clients` requests in flight, each
// client sending its next only after its previous one was answered, every piece of work done once, and
// failed answers and thrown errors counted by kind instead of stopping the run.
import { expect } from 'chai';
import { closedLoop, OK, type Outcome } from '../closed-loop.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bench closed loop', () => {
  it('keeps exactly `clients` requests in flight until the work runs out, doing each piece once', async () => {
    const work = Array.from({ length: 40 }, (_, i) => i);
    const done: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const measured = await closedLoop(
      'loop',
      4,
      () => work.shift(),
      async (piece) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await pause(1);
        inFlight -= 1;
        done.push(piece);
        return OK;
      },
    );
    expect(mostInFlight).to.equal(4);
    expect([...done].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(measured.ops).to.equal(40);
    expect(measured.latenciesMs).to.have.length(40);
    expect(measured.errors).to.equal(0);
    expect(measured.errorKinds).to.equal(undefined);
  });

  it('hands each client its own number, so a client can stand for one buyer', async () => {
    const seen = new Set<number>();
    let left = 9;
    await closedLoop(
      'loop',
      3,
      (client) => (left-- > 0 ? client : undefined),
      async (client, sender) => {
        expect(client).to.equal(sender);
        seen.add(sender);
        await pause(1);
        return OK;
      },
    );
    expect([...seen].sort()).to.deep.equal([0, 1, 2]);
  });

  it('counts refusals and thrown errors by kind, and times only the successes', async () => {
    const outcomes: Array<Outcome | Error> = [
      OK,
      { ok: false, kind: 'HTTP 422' },
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      { ok: false, kind: 'HTTP 422' },
      OK,
    ];
    const measured = await closedLoop(
      'loop',
      2,
      () => outcomes.shift(),
      async (outcome) => {
        await pause(1);
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    );
    expect(measured.ops).to.equal(2);
    expect(measured.latenciesMs).to.have.length(2);
    expect(measured.errors).to.equal(3);
    expect(measured.errorKinds).to.deep.equal({ 'HTTP 422': 2, 'error ECONNRESET': 1 });
  });
});
