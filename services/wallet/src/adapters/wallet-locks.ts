/**
 * The Redis lock (redlock) taken before a batch's DB transaction. It only reduces contention between
 * replicas: the row locks (SELECT ... FOR UPDATE) and the version guard are what keep balances right.
 * Decision (docs/wallet.md): when Redis is down or the lock cannot be had in time, the batch proceeds
 * on the row locks alone, with a warning and the dbay_wallet_redlock_degraded_total metric, instead of
 * refusing money movements that the database can still serialize correctly.
 */
import { Redis } from 'ioredis';
import Redlock, { type Lock } from 'redlock';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { LockOutcome, WalletLocks } from '../use-cases/ports.js';

export interface WalletLockSettings {
  /** How long a lock lives if never released; longer than a batch's transaction takes. */
  lockTtlMs: number;
  retryCount: number;
  retryDelayMs: number;
  retryJitterMs: number;
}

export const DEFAULT_WALLET_LOCK_SETTINGS: WalletLockSettings = {
  lockTtlMs: 10_000,
  retryCount: 20,
  retryDelayMs: 25,
  retryJitterMs: 25,
};

/** Clock drift allowance from the redlock paper (1% of the TTL). */
const REDLOCK_DRIFT_FACTOR = 0.01;
const REDIS_CONNECT_TIMEOUT_MS = 1_000;
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * A Redis client that fails fast instead of queueing commands while disconnected, so an outage
 * costs a batch nothing but the warning.
 */
export function createLockRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

export class RedlockWalletLocks implements WalletLocks {
  private readonly redlock: Redlock;

  constructor(
    private readonly redis: Redis,
    private readonly settings: WalletLockSettings,
    private readonly logger: Logger,
    private readonly degraded: Counter<'reason'>,
  ) {
    this.redlock = new Redlock([redis], {
      driftFactor: REDLOCK_DRIFT_FACTOR,
      retryCount: settings.retryCount,
      retryDelay: settings.retryDelayMs,
      retryJitter: settings.retryJitterMs,
      automaticExtensionThreshold: 500,
    });
    // Errors surface through acquire(); the emitter would otherwise crash the process on 'error'.
    this.redlock.on('error', () => undefined);
    this.redis.on('error', () => undefined);
  }

  async acquire(resources: string[]): Promise<LockOutcome> {
    if (resources.length === 0) return { kind: 'degraded', reason: 'no resources' };
    if (this.redis.status !== 'ready')
      return this.degrade('redis-unavailable', `redis is ${this.redis.status}`);
    let lock: Lock;
    try {
      lock = await this.redlock.acquire(
        resources.map((resource) => `dbay:wallet:lock:${resource}`),
        this.settings.lockTtlMs,
      );
    } catch (error) {
      const reason = this.redis.status === 'ready' ? 'lock-contended' : 'redis-unavailable';
      return this.degrade(reason, error instanceof Error ? error.message : String(error));
    }
    return {
      kind: 'locked',
      release: async () => {
        try {
          // No retries: a lock that expired cannot be released, and retrying would only add latency.
          await this.redlock.release(lock, { retryCount: 0 });
        } catch (error) {
          // An expired or lost lock is harmless here: the transaction already committed or rolled back.
          this.logger.debug({ err: error }, 'redlock release failed');
        }
      },
    };
  }

  private degrade(reason: 'redis-unavailable' | 'lock-contended', detail: string): LockOutcome {
    this.degraded.inc({ reason });
    this.logger.warn(
      { reason, detail },
      'proceeding without the redis wallet lock; row locks still serialize the batch',
    );
    return { kind: 'degraded', reason };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await Promise.resolve();
  }
}
