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
    ORDER_TIMER_BATCH_SIZE: positiveInt(100),
    /** Development stacks only: operators may move the service's clock (POST /ops/dev/clock). */
    ORDER_DEV_CLOCK: flag(false),
    /** Tests only: kill the process at this point of a buy (adapters/crash-points.ts). */
    ORDER_CRASH_AT: z.enum(CRASH_POINTS).optional(),
    /** Tests only: with ORDER_CRASH_AT, crash only for the order of this listing. */
    ORDER_CRASH_FOR_LISTING: z.guid().optional(),
  });
}

export type OrderConfig = z.output<ReturnType<typeof orderConfig>>;
