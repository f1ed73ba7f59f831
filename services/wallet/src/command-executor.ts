/**
 * The wallet's command path, composed: the batch scheduler (group commit) for commands that arrive one
 * by one over HTTP, the redis lock on every resource of a batch, a transaction (the executor's own, or
 * the Kafka consumer's), and in it the use case (src/use-cases/execute-commands.ts) on the SQL store.
 * Both front doors run the same use case, so a command has one meaning however it arrives.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { WalletPolicy } from './domain/index.js';
import { ledgerStoreIn, retryReasonOf } from './adapters/ledger-store.js';
import {
  BatchScheduler,
  DEFAULT_GROUP_COMMIT_SETTINGS,
  type GroupCommitSettings,
} from './use-cases/batch-scheduler.js';
import { executeCommands, type ExecutionContext } from './use-cases/execute-commands.js';
import type { CommandOutcome, CommandRequest, WalletLocks } from './use-cases/ports.js';
import { claimsOf, lockResourcesOf } from './use-cases/resources.js';

export interface ExecutorMetrics {
  batchSize: Histogram;
  batchDuration: Histogram;
  outcomes: Counter<'type' | 'outcome'>;
  retries: Counter<'reason'>;
}

export function createExecutorMetrics(registry: Registry): ExecutorMetrics {
  const registers = [registry];
  return {
    batchSize: new Histogram({
      name: 'dbay_wallet_batch_commands',
      help: 'Commands per group-commit transaction.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'dbay_wallet_batch_duration_seconds',
      help: 'Lock, transaction and commit time of one batch.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    outcomes: new Counter({
      name: 'dbay_wallet_commands_total',
      help: 'Wallet commands by type and outcome.',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'dbay_wallet_batch_retries_total',
      help: 'Batches retried on fresh state, by reason.',
      labelNames: ['reason'],
      registers,
    }),
  };
}

export interface ExecutorDeps {
  knex: Knex;
  locks: WalletLocks;
  policy: WalletPolicy;
  logger: Logger;
  metrics: ExecutorMetrics;
  settings?: Partial<GroupCommitSettings>;
}

/** Runs `work` in a transaction and returns what it returns. */
type InTransaction = (
  work: (trx: Knex.Transaction) => Promise<CommandOutcome[]>,
) => Promise<CommandOutcome[]>;

export class CommandExecutor {
  private readonly scheduler: BatchScheduler<CommandRequest, CommandOutcome>;
  private readonly context: ExecutionContext;

  constructor(private readonly deps: ExecutorDeps) {
    this.context = { policy: deps.policy, now: () => new Date(), newId: randomUUID };
    this.scheduler = new BatchScheduler({
      settings: { ...DEFAULT_GROUP_COMMIT_SETTINGS, ...deps.settings },
      claimsOf,
      run: (batch) => this.runLocked(batch, (work) => deps.knex.transaction(work)),
      retryReasonOf,
      onRetry: (reason) => deps.metrics.retries.inc({ reason }),
      describe: (request) => ({ type: request.command.type }),
      logger: deps.logger,
    });
  }

  /**
   * Queues a command for the next group commit; resolves with its own outcome once its batch committed.
   * Rejects with QueueFullError when too many commands wait.
   */
  execute(request: CommandRequest): Promise<CommandOutcome> {
    return this.scheduler.submit(request);
  }

  /**
   * Group commit for a caller that owns the transaction (a run of Kafka messages and their inbox rows):
   * the same redis lock and use case as a queued batch, without the queue. One outcome per request, in
   * order; the caller commits.
   */
  executeAllInTransaction(trx: Knex.Transaction, requests: CommandRequest[]): Promise<CommandOutcome[]> {
    return this.runLocked(requests, (work) => work(trx));
  }

  /** Resolves when the queue is empty and no batch runs (for a graceful shutdown). */
  drain(): Promise<void> {
    return this.scheduler.drain();
  }

  private async runLocked(
    requests: CommandRequest[],
    inTransaction: InTransaction,
  ): Promise<CommandOutcome[]> {
    const { locks, metrics } = this.deps;
    const stopTimer = metrics.batchDuration.startTimer();
    metrics.batchSize.observe(requests.length);
    const lock = await locks.acquire(lockResourcesOf(requests));
    try {
      const outcomes = await inTransaction((trx) =>
        executeCommands(ledgerStoreIn(trx), requests, this.context),
      );
      outcomes.forEach((outcome, index) => {
        // Only what this batch decided counts: a replay or a reused key decided nothing.
        if (outcome.kind !== 'key-reused' && !outcome.replayed)
          metrics.outcomes.inc({ type: requests[index]!.command.type, outcome: outcome.kind });
      });
      return outcomes;
    } finally {
      if (lock.kind === 'locked') await lock.release();
      stopTimer();
    }
  }
}
