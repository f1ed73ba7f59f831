// Request budgets every service applies the same way, in requireToken (http-input.ts):
//
//   per caller  POSTs of one user or operator per window, charged after the token is verified (internal
//               callers, the platform's own services, are not budgeted: they pace themselves);
//   per source  requests refused with 401 per source address per window (req.ip, which believes
//               HTTP_TRUST_PROXY_HOPS proxies), so a client guessing tokens is stopped; once over its
//               budget a source is answered 429 before its token is even verified.
//
// Past a budget the answer is 429 RATE_LIMITED with Retry-After (whole seconds). Counters live in Redis
// (rate-limiter-flexible), so replicas share them; while Redis is unreachable each process counts alone
// in memory (the library's insurance limiter) rather than refusing or admitting everyone.
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { PlatformConfig } from './config.js';
import { HttpError } from './http.js';

export const RATE_LIMITED_CODE = 'RATE_LIMITED';
const REDIS_CONNECT_TIMEOUT_MS = 1_000;
/** A rate check must never hold a request up for long: a slow Redis falls back to the memory counter. */
const REDIS_COMMAND_TIMEOUT_MS = 250;

export interface RateLimitSettings {
  redisUrl: string;
  /** Keys are `<keyPrefix>:posts:<caller>` and `<keyPrefix>:auth-failures:<source>`. */
  keyPrefix: string;
  windowSeconds: number;
  userPosts: number;
  authFailures: number;
}

/** The settings of a parsed service configuration; keys are prefixed with the service's name. */
export function rateLimitSettingsOf(
  config: Pick<
    PlatformConfig,
    | 'REDIS_URL'
    | 'SERVICE_NAME'
    | 'RATE_LIMIT_WINDOW_SECONDS'
    | 'RATE_LIMIT_USER_POSTS'
    | 'RATE_LIMIT_AUTH_FAILURES'
  >,
): RateLimitSettings {
  return {
    redisUrl: config.REDIS_URL,
    keyPrefix: `dbay:rate:${config.SERVICE_NAME}`,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    userPosts: config.RATE_LIMIT_USER_POSTS,
    authFailures: config.RATE_LIMIT_AUTH_FAILURES,
  };
}

/** 429 RATE_LIMITED with Retry-After: the budget is spent; nothing was done. */
export function rateLimitedError(msBeforeNext: number, what: string): HttpError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpError(429, RATE_LIMITED_CODE, `too many ${what}; retry after ${retryAfterSeconds} s`, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/**
 * The two budgets. The Redis client is made on first use, so a service that verifies no token (the
 * signer, the deposit watcher) never connects to Redis for them.
 */
export class RateLimits {
  private limiters: { posts: RateLimiterAbstract; authFailures: RateLimiterAbstract } | undefined;
  private redis: Redis | undefined;

  constructor(private readonly settings: RateLimitSettings) {}

  /** Charges one POST to the caller's budget; throws 429 when it is spent. */
  async chargePost(caller: string): Promise<void> {
    try {
      await this.budgets().posts.consume(caller);
    } catch (error) {
      throw asRateLimited(error, 'requests');
    }
  }

  /** Throws 429 when the source has already spent its budget of authentication failures. */
  async refuseBlockedSource(source: string): Promise<void> {
    const { authFailures } = this.budgets();
    const spent = await authFailures.get(source).catch(() => null);
    if (spent && spent.consumedPoints > this.settings.authFailures) {
      throw rateLimitedError(spent.msBeforeNext, 'failed authentications');
    }
  }

  /** Charges one authentication failure to the source; throws 429 when that spends its budget. */
  async chargeAuthFailure(source: string): Promise<void> {
    try {
      await this.budgets().authFailures.consume(source);
    } catch (error) {
      throw asRateLimited(error, 'failed authentications');
    }
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    this.limiters = undefined;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }

  private budgets(): { posts: RateLimiterAbstract; authFailures: RateLimiterAbstract } {
    if (!this.limiters) {
      const redis = new Redis(this.settings.redisUrl, {
        // Commands wait for the first connection (so the first requests are counted in Redis, not in
        // memory), but never longer than the command timeout: then the insurance limiter answers.
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      });
      // Outages are handled by the insurance limiter; without a listener ioredis prints every error.
      redis.on('error', () => undefined);
      this.redis = redis;
      const budget = (name: string, points: number): RateLimiterAbstract =>
        new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${this.settings.keyPrefix}:${name}`,
          points,
          duration: this.settings.windowSeconds,
          insuranceLimiter: new RateLimiterMemory({ points, duration: this.settings.windowSeconds }),
        });
      this.limiters = {
        posts: budget('posts', this.settings.userPosts),
        authFailures: budget('auth-failures', this.settings.authFailures),
      };
    }
    return this.limiters;
  }
}

/** The library rejects with a RateLimiterRes when the budget is spent, with an Error when it broke. */
function asRateLimited(error: unknown, what: string): unknown {
  return error instanceof RateLimiterRes ? rateLimitedError(error.msBeforeNext, what) : error;
}
