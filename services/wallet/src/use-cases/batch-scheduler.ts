/**
 * Group commit, without knowing what is committed. Requests queue up; a batch takes what is queued (up
 * to maxBatchSize, and while other batches run, only requests whose claims none of them holds) and
 * `run` executes it as one unit (one transaction, one commit) returning one outcome per request. While
 * batches commit the next one fills, so the fsync of a commit is shared by every request in the batch
 * (TigerBeetle-style batching).
 *
 * A batch that fails for a reason `retryReasonOf` names (another writer got there first, a deadlock)
 * is retried on fresh state. A batch that fails otherwise is split and each request runs alone, so one
 * bad request cannot fail its neighbours; only that request's promise rejects.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface GroupCommitSettings {
  maxBatchSize: number;
  /**
   * Batches that may run at once. A batch only takes queued requests whose claims no running batch
   * holds, so concurrent batches never wait on each other; a request that conflicts waits (in arrival
   * order) for a later batch.
   */
  maxConcurrentBatches: number;
  /** Requests waiting beyond this are refused (QueueFullError) instead of growing latency without bound. */
  maxQueueLength: number;
  /** Attempts of one batch on retryable failures (deadlock, concurrent insert) before it is split. */
  maxAttempts: number;
  retryBackoffMs: number;
}

export const DEFAULT_GROUP_COMMIT_SETTINGS: GroupCommitSettings = {
  maxBatchSize: 200,
  maxConcurrentBatches: 1,
  maxQueueLength: 20_000,
  maxAttempts: 4,
  retryBackoffMs: 5,
};

/** How far down the queue a new batch looks for requests that do not conflict with running batches. */
const MAX_SCAN = 2_000;

export class QueueFullError extends Error {
  constructor(queued: number) {
    super(`the wallet has ${queued} commands queued; try again shortly`);
    this.name = 'QueueFullError';
  }
}

export interface BatchSchedulerDeps<Request, Outcome> {
  settings: GroupCommitSettings;
  /** The names a request holds while its batch runs (rows, keys): what a concurrent batch must not hold. */
  claimsOf: (request: Request) => string[];
  /** Runs one batch as one unit: one outcome per request, in order, or a throw for the whole batch. */
  run: (batch: Request[]) => Promise<Outcome[]>;
  /** Why a failed batch may succeed on fresh state (a metric label), or undefined if it would not. */
  retryReasonOf: (error: unknown) => string | undefined;
  onRetry: (reason: string) => void;
  /** Log fields naming a request, for the line that reports its failure. */
  describe: (request: Request) => Record<string, unknown>;
  logger: Logger;
}

interface Pending<Request, Outcome> {
  request: Request;
  claims: string[];
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

export class BatchScheduler<Request, Outcome> {
  private readonly queue: Pending<Request, Outcome>[] = [];
  private running = 0;
  /** Claims of the running batches. */
  private readonly held = new Set<string>();
  private idle: Promise<void> = Promise.resolve();
  /** Resolves `idle`; set while batches run or wait, so one busy spell has one promise for drain(). */
  private markIdle: (() => void) | undefined;

  constructor(private readonly deps: BatchSchedulerDeps<Request, Outcome>) {}

  /** Queues a request for the next batch; resolves with its own outcome once its batch has run. */
  submit(request: Request): Promise<Outcome> {
    if (this.queue.length >= this.deps.settings.maxQueueLength) {
      return Promise.reject(new QueueFullError(this.queue.length));
    }
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ request, claims: this.deps.claimsOf(request), resolve, reject });
      this.pump();
    });
  }

  /** Resolves when the queue is empty and no batch runs (for a graceful shutdown). */
  async drain(): Promise<void> {
    await this.idle;
  }

  private pump(): void {
    while (this.running < this.deps.settings.maxConcurrentBatches && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      if (this.markIdle === undefined) this.idle = new Promise((resolve) => (this.markIdle = resolve));
      this.running += 1;
      const claims = [...new Set(batch.flatMap((pending) => pending.claims))];
      for (const claim of claims) this.held.add(claim);
      void this.runBatch(batch).finally(() => {
        for (const claim of claims) this.held.delete(claim);
        this.running -= 1;
        if (this.running === 0 && this.queue.length === 0) {
          this.markIdle?.();
          this.markIdle = undefined;
        }
        this.pump();
      });
    }
  }

  /**
   * The next batch: queued requests in arrival order that conflict with no running batch. A request
   * passed over also blocks later requests that share a claim with it, so requests on one wallet (or
   * with one idempotency key) still run in the order they arrived.
   */
  private takeBatch(): Pending<Request, Outcome>[] {
    const { maxBatchSize } = this.deps.settings;
    if (this.running === 0) return this.queue.splice(0, maxBatchSize);
    const blocked = new Set(this.held);
    const taken: Pending<Request, Outcome>[] = [];
    const kept: Pending<Request, Outcome>[] = [];
    const scan = Math.min(this.queue.length, MAX_SCAN);
    for (let index = 0; index < scan; index += 1) {
      const pending = this.queue[index]!;
      if (taken.length < maxBatchSize && !pending.claims.some((c) => blocked.has(c))) {
        // Later requests on the same claims may join this batch: it runs its requests in order.
        taken.push(pending);
      } else {
        kept.push(pending);
        for (const claim of pending.claims) blocked.add(claim);
      }
    }
    this.queue.splice(0, scan, ...kept);
    return taken;
  }

  private async runBatch(batch: Pending<Request, Outcome>[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcomes = await this.deps.run(batch.map((pending) => pending.request));
        batch.forEach((pending, index) => pending.resolve(outcomes[index]!));
        return;
      } catch (error) {
        const reason = this.deps.retryReasonOf(error);
        if (reason !== undefined && attempt < this.deps.settings.maxAttempts) {
          this.deps.onRetry(reason);
          await sleep(this.deps.settings.retryBackoffMs * attempt);
          continue;
        }
        if (batch.length > 1) {
          this.deps.logger.warn(
            { err: error, size: batch.length },
            'batch failed; running its commands one by one',
          );
          for (const pending of batch) await this.runBatch([pending]);
          return;
        }
        const [only] = batch;
        this.deps.logger.error(
          { err: error, ...(only ? this.deps.describe(only.request) : {}) },
          'wallet command failed',
        );
        only?.reject(error);
        return;
      }
    }
  }
}
