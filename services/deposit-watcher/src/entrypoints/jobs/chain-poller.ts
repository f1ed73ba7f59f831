/**
 * The polling job's step: one ChainFollower.pollOnce, run by the platform's loop every
 * DEPOSIT_POLL_INTERVAL_MS, forever; it never lets a failure kill the process or skip anything. A failed poll commits nothing beyond the blocks
 * it had already connected, so the next poll resumes exactly there: a node that is down (the circuit
 * breaker opens, and closes again by itself), a malformed answer (logged with what was wrong, then
 * retried), a database hiccup or a second watcher moving the cursor all end the same way: log, count,
 * wait, try again.
 */
import type { Logger } from '@dbay/platform';
import { isTransientDatabaseError } from '@dbay/platform';
import { CursorMovedError } from '../../adapters/db/chain-store.js';
import { NodeUnavailableError, RpcError, RpcMalformedAnswerError, RpcTransportError } from '@dbay/chain-rpc';
import type { WatcherMetrics } from '../../adapters/watcher-metrics.js';
import { DepositInvariantViolation } from '../../domain/deposit.js';
import type { ChainFollower, PollReport } from '../../use-cases/follow-chain.js';

/** Repeated failures of one kind are logged at most this often (each is still counted). */
export const FAILURE_LOG_INTERVAL_MS = 10_000;

type FailureKind =
  | 'node-unavailable'
  | 'node-unreachable'
  | 'node-malformed'
  | 'node-error'
  | 'concurrent-scan'
  | 'database'
  | 'invariant'
  | 'other';

function classify(error: unknown): FailureKind {
  if (error instanceof NodeUnavailableError) return 'node-unavailable';
  if (error instanceof RpcTransportError) return 'node-unreachable';
  if (error instanceof RpcMalformedAnswerError) return 'node-malformed';
  if (error instanceof RpcError) return 'node-error';
  if (error instanceof CursorMovedError) return 'concurrent-scan';
  if (error instanceof DepositInvariantViolation) return 'invariant';
  if (isTransientDatabaseError(error)) return 'database';
  return 'other';
}

export class ChainPoller {
  private readonly lastLogged = new Map<FailureKind, { at: number; suppressed: number }>();
  private lastSuccessAt: Date | undefined;
  private consecutiveFailures = 0;

  constructor(
    private readonly follower: ChainFollower,
    private readonly logger: Logger,
    private readonly metrics: WatcherMetrics,
  ) {}

  get health(): { lastSuccessAt: Date | undefined; consecutiveFailures: number } {
    return { lastSuccessAt: this.lastSuccessAt, consecutiveFailures: this.consecutiveFailures };
  }

  /** One poll; its failures are classified, counted and logged here, never thrown. */
  async poll(): Promise<void> {
    try {
      this.succeeded(await this.follower.pollOnce());
    } catch (error) {
      this.failed(error);
    }
  }

  private succeeded(report: PollReport): void {
    if (this.consecutiveFailures > 0) {
      this.logger.info(
        { afterFailures: this.consecutiveFailures, tipHeight: report.tipHeight },
        'Polling the node works again',
      );
    }
    this.consecutiveFailures = 0;
    this.lastSuccessAt = new Date();
    this.lastLogged.clear();
    if (report.blocksConnected > 0 || report.reorgs > 0 || Object.keys(report.events).length > 0) {
      this.logger.info(report, 'Poll');
    }
  }

  private failed(error: unknown): void {
    const kind = classify(error);
    this.consecutiveFailures += 1;
    this.metrics.pollFailures.inc({ kind });
    const now = Date.now();
    const last = this.lastLogged.get(kind);
    // A malformed answer or a broken invariant is logged every time: each one is a fact to look at.
    const always = kind === 'node-malformed' || kind === 'invariant' || kind === 'other';
    if (!always && last !== undefined && now - last.at < FAILURE_LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    const details = {
      err: error,
      kind,
      consecutiveFailures: this.consecutiveFailures,
      suppressedSinceLastLog: last?.suppressed ?? 0,
      ...(error instanceof RpcMalformedAnswerError
        ? { method: error.method, detail: error.detail, excerpt: error.excerpt }
        : {}),
    };
    this.lastLogged.set(kind, { at: now, suppressed: 0 });
    switch (kind) {
      case 'node-unavailable':
      case 'node-unreachable':
      case 'concurrent-scan':
      case 'database':
        this.logger.warn(details, 'Poll failed; retrying on the next poll');
        break;
      case 'node-malformed':
        this.logger.error(
          details,
          'Malformed answer from the Dogecoin node; nothing was skipped, retrying on the next poll',
        );
        break;
      case 'invariant':
        this.logger.fatal(
          details,
          'Deposit invariant broken; the scan stays where it is until this is fixed',
        );
        break;
      case 'node-error':
      case 'other':
        this.logger.error(details, 'Poll failed; retrying on the next poll');
        break;
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown failure kind ${String(unreachable)}`);
      }
    }
  }
}
