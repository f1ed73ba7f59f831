// Proves the group-commit scheduler on its own, with a fake batch runner: requests that queue while a
// batch runs go together into the next one, in order and up to the batch size; batches side by side
// never share a claim and requests on one claim keep their order; a retryable failure reruns the batch,
// any other splits it so only the bad request fails; drain waits for the whole queue; a full queue
// refuses at once.
import { expect } from 'chai';
import { pino } from 'pino';
import {
  BatchScheduler,
  DEFAULT_GROUP_COMMIT_SETTINGS,
  QueueFullError,
  type GroupCommitSettings,
} from '../src/use-cases/batch-scheduler.js';

interface Job {
  id: string;
  claims: string[];
}

/** A scheduler whose batches wait until the test releases them, recording what each batch held. */
function harness(
  settings: Partial<GroupCommitSettings>,
  fail: (batch: Job[]) => Error | undefined = () => undefined,
) {
  const batches: string[][] = [];
  const retries: string[] = [];
  const gates: (() => void)[] = [];
  let autoRelease = false;
  const scheduler = new BatchScheduler<Job, string>({
    settings: { ...DEFAULT_GROUP_COMMIT_SETTINGS, retryBackoffMs: 0, ...settings },
    claimsOf: (job) => job.claims,
    run: async (batch) => {
      batches.push(batch.map((job) => job.id));
      if (!autoRelease) await new Promise<void>((resolve) => gates.push(resolve));
      const error = fail(batch);
      if (error) throw error;
      return batch.map((job) => `done ${job.id}`);
    },
    retryReasonOf: (error) => ((error as Error).message === 'retry me' ? 'concurrent-write' : undefined),
    onRetry: (reason) => retries.push(reason),
    describe: (job) => ({ id: job.id }),
    logger: pino({ level: 'silent' }),
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return {
    scheduler,
    batches,
    retries,
    /** Lets every batch waiting now finish, and every later one run straight through. */
    releaseAll: async () => {
      autoRelease = true;
      for (const gate of gates.splice(0)) gate();
      await scheduler.drain();
    },
    releaseNext: async () => {
      gates.shift()?.();
      await tick();
    },
    tick,
  };
}

const job = (id: string, ...claims: string[]): Job => ({ id, claims: claims.length > 0 ? claims : [id] });

describe('batch scheduler (group commit)', () => {
  it('puts what queues while a batch runs into the next batch, in order, up to the batch size', async () => {
    const h = harness({ maxBatchSize: 3 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((id) => h.scheduler.submit(job(id)));
    await h.tick();
    expect(h.batches).to.deep.equal([['a']]);
    await h.releaseAll();
    expect(h.batches).to.deep.equal([['a'], ['b', 'c', 'd'], ['e']]);
    expect(await Promise.all(results)).to.deep.equal(['done a', 'done b', 'done c', 'done d', 'done e']);
  });

  it('runs batches side by side only on disjoint claims, and keeps the order of requests on one claim', async () => {
    const h = harness({ maxConcurrentBatches: 3 });
    const results = [
      h.scheduler.submit(job('w1-first', 'wallet:1')),
      h.scheduler.submit(job('w1-second', 'wallet:1')),
      h.scheduler.submit(job('w2', 'wallet:2')),
      h.scheduler.submit(job('w1-and-w3', 'wallet:1', 'wallet:3')),
      h.scheduler.submit(job('w3', 'wallet:3')),
    ];
    await h.tick();
    // The first batch took w1-first alone; the second may not touch wallet 1; and although no batch
    // holds wallet 3, w3 waits behind w1-and-w3, which was passed over and shares its claim.
    expect(h.batches).to.deep.equal([['w1-first'], ['w2']]);
    await h.releaseNext();
    expect(h.batches[2]).to.deep.equal(['w1-second', 'w1-and-w3', 'w3']);
    await h.releaseAll();
    expect(await Promise.all(results)).to.have.length(5);
  });

  it('reruns a batch that failed for a retryable reason, then splits it when the attempts run out', async () => {
    let failures = 0;
    const h = harness({ maxAttempts: 3 }, (batch) =>
      batch.length > 1 && failures++ < 10 ? new Error('retry me') : undefined,
    );
    const first = h.scheduler.submit(job('first'));
    const queued = [h.scheduler.submit(job('x')), h.scheduler.submit(job('y'))];
    await h.releaseAll();
    expect(await first).to.equal('done first');
    expect(h.batches.slice(1)).to.deep.equal([['x', 'y'], ['x', 'y'], ['x', 'y'], ['x'], ['y']]);
    expect(h.retries).to.deep.equal(['concurrent-write', 'concurrent-write']);
    expect(await Promise.all(queued)).to.deep.equal(['done x', 'done y']);
  });

  it('splits a batch that failed otherwise and fails only the request that fails alone', async () => {
    const h = harness({}, (batch) =>
      batch.some((j) => j.id === 'bad') ? new Error('bad input') : undefined,
    );
    const first = h.scheduler.submit(job('first'));
    const [good, bad, other] = ['good', 'bad', 'other'].map((id) =>
      h.scheduler.submit(job(id)).catch((error: unknown) => error),
    );
    await h.releaseAll();
    expect(await first).to.equal('done first');
    expect(h.batches.slice(1)).to.deep.equal([['good', 'bad', 'other'], ['good'], ['bad'], ['other']]);
    expect(await good).to.equal('done good');
    expect(await other).to.equal('done other');
    expect(((await bad) as Error).message).to.equal('bad input');
    expect(h.retries).to.deep.equal([]);
  });

  it('drains only once every queued batch has run, not when the first one ends', async () => {
    const h = harness({ maxBatchSize: 1 });
    const done: string[] = [];
    for (const id of ['a', 'b', 'c']) void h.scheduler.submit(job(id)).then((result) => done.push(result));
    const drained = h.scheduler.drain().then(() => [...done]);
    for (let batch = 0; batch < 3; batch += 1) await h.releaseNext();
    expect(await drained).to.deep.equal(['done a', 'done b', 'done c']);
  });

  it('refuses a request when the queue is full, without queueing it', async () => {
    const h = harness({ maxQueueLength: 2 });
    const accepted = ['running', 'q1', 'q2'].map((id) => h.scheduler.submit(job(id)));
    let refused: unknown;
    await h.scheduler.submit(job('q3')).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(QueueFullError);
    await h.releaseAll();
    expect(await Promise.all(accepted)).to.have.length(3);
    expect(h.batches.flat()).to.deep.equal(['running', 'q1', 'q2']);
  });
});
