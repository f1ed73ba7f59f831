/**
 * The order service's configuration, on the platform's shape (every variable in docs/order.md). Windows
 * are milliseconds so a test stack can shorten them; the defaults are the marketplace's policy.
 */
import { z } from 'zod';
import { configPieces, secretVariables, type PlatformConfigShape } from '@dbay/platform';
import { DAY_MS } from './domain/order.js';
import { CRASH_POINTS } from './adapters/crash-points.js';

const { durationMs, positiveInt, flag } = configPieces;

export function orderConfig(platform: PlatformConfigShape) {
  return z.object({
    ...platform,
    ...secretVariables('USER_JWT_PUBLIC_KEY'),
    USER_JWT_ISSUER: z.string().min(1).default('dbay-auth'),
    /** The same user tokens as the wallet's (one identity provider, one audience for the user APIs). */
    USER_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet'),
    ...secretVariables('OPERATOR_JWT_PUBLIC_KEY'),
    OPERATOR_JWT_ISSUER: z.string().min(1).default('dbay-operators'),
    OPERATOR_JWT_AUDIENCE: z.string().min(1).default('dbay-order-ops'),
    /** The platform's fee on a sale: 2.5 % by default, in basis points. */
    ORDER_FEE_BASIS_POINTS: z.coerce.number().int().min(0).max(5_000).default(250),
    /** Released to the seller this long after shipping unless the buyer disputes first. */
    ORDER_AUTO_RELEASE_MS: durationMs(7 * DAY_MS),
    /** A dispute nobody decides is refunded to the buyer after this long. */
    ORDER_DISPUTE_FALLBACK_MS: durationMs(30 * DAY_MS),
    /** How long POST /v1/orders waits for the wallet's answer before answering 202 (pending). */
    ORDER_PAYMENT_WAIT_MS: durationMs(5_000),
    ORDER_TIMER_POLL_MS: positiveInt(1_000),
    /**
     * Partitions whose messages (the wallet's answers) are applied at once. Every topic is keyed by the
     * order or auction, so one order's answers stay in one partition and in order; one at a time capped
     * buy it now at ~45 orders/s (docs/order-bench.md). The declared topics have 6 partitions.
     */
    ORDER_CONSUMER_PARTITIONS_CONCURRENTLY: positiveInt(6),
    ORDER_CONSUMER_MAX_BATCH: positiveInt(100),
    /** Where the wallet's internal API answers (bid locks are asked synchronously). */
    WALLET_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:7101'),
    /** The key this service signs its calls to the wallet's internal API with (subject "order"). */
    ...secretVariables('SERVICE_JWT_PRIVATE_KEY'),
    SERVICE_JWT_ISSUER: z.string().min(1).default('dbay-services'),
    WALLET_SERVICE_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet-internal'),
    /** "price:increment,..." in DOGE (e.g. "0:0.05,1:0.25"); eBay's ladder in DOGE by default. */
    ORDER_AUCTION_INCREMENT_LADDER: z.string().optional(),
    /** A bid this close to the end moves the end to this long after the bid (soft close); 0 turns it off. */
    ORDER_AUCTION_SOFT_CLOSE_MS: durationMs(2 * 60_000),
    ORDER_AUCTION_MIN_DURATION_MS: durationMs(60_000),
    ORDER_AUCTION_MAX_DURATION_MS: durationMs(30 * DAY_MS),
    /** A bid whose request died between its lock and its record is settled by the sweeper after this. */
    ORDER_BID_PENDING_TIMEOUT_MS: durationMs(60_000),
    ORDER_BID_SWEEP_INTERVAL_MS: positiveInt(10_000),
    ORDER_TIMER_BATCH_SIZE: positiveInt(100),
    /** Development stacks only: operators may move the service's clock (POST /ops/dev/clock). */
    ORDER_DEV_CLOCK: flag(false),
    /** Tests only: kill the process at this point of a buy (adapters/crash-points.ts). */
    ORDER_CRASH_AT: z.enum(CRASH_POINTS).optional(),
    /** Tests only: with ORDER_CRASH_AT, crash only for this listing or auction. */
    ORDER_CRASH_FOR: z.guid().optional(),
  });
}

export type OrderConfig = z.output<ReturnType<typeof orderConfig>>;
