/**
 * The one table from the order service's error codes to HTTP statuses. Domain codes come from
 * src/domain/errors.ts; the rest are the entry point's own. Body: { "error": { "code", "message" } }.
 */
import type { ErrorRequestHandler } from 'express';
import { HttpError, isTransientDatabaseError } from '@dbay/platform';
import type { OrderErrorCode } from '../../domain/errors.js';

export type HttpOnlyErrorCode =
  | 'ORDER_VALIDATION_FAILED'
  | 'ORDER_AMOUNT_INVALID'
  | 'ORDER_IDEMPOTENCY_KEY_MISSING'
  | 'ORDER_IDEMPOTENCY_KEY_INVALID'
  | 'ORDER_IDEMPOTENCY_KEY_REUSED'
  | 'ORDER_UNAUTHENTICATED'
  | 'ORDER_TOKEN_INVALID'
  | 'ORDER_TOKEN_EXPIRED'
  | 'ORDER_FORBIDDEN'
  | 'ORDER_PAYMENT_FAILED'
  | 'ORDER_INSUFFICIENT_FUNDS'
  | 'ORDER_UNAVAILABLE';

export type OrderServiceErrorCode = OrderErrorCode | HttpOnlyErrorCode;

export const ERROR_STATUS: Record<OrderServiceErrorCode, number> = {
  // 400: the request itself is wrong.
  ORDER_VALIDATION_FAILED: 400,
  ORDER_AMOUNT_INVALID: 400,
  ORDER_IDEMPOTENCY_KEY_MISSING: 400,
  ORDER_IDEMPOTENCY_KEY_INVALID: 400,
  ORDER_SPLIT_INVALID: 400,
  AUCTION_START_PRICE_NOT_POSITIVE: 400,
  AUCTION_RESERVE_BELOW_START: 400,
  AUCTION_BUY_NOW_TOO_LOW: 400,
  AUCTION_BUY_NOW_BELOW_RESERVE: 400,
  AUCTION_END_INVALID: 400,
  AUCTION_END_TOO_SOON: 400,
  AUCTION_END_TOO_LATE: 400,
  // 401 / 403: who is asking, and whether they may.
  ORDER_UNAUTHENTICATED: 401,
  ORDER_TOKEN_INVALID: 401,
  ORDER_TOKEN_EXPIRED: 401,
  ORDER_FORBIDDEN: 403,
  LISTING_NOT_SELLER: 403,
  ORDER_NOT_BUYER: 403,
  ORDER_NOT_SELLER: 403,
  AUCTION_NOT_SELLER: 403,
  // 404: nothing of that name (for this caller).
  LISTING_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  AUCTION_NOT_FOUND: 404,
  // 409: the state does not allow it (now).
  ORDER_IDEMPOTENCY_KEY_REUSED: 409,
  LISTING_NOT_AVAILABLE: 409,
  LISTING_WRONG_STATE: 409,
  ORDER_OWN_LISTING: 409,
  ORDER_WRONG_STATE: 409,
  ORDER_ESCROW_PENDING: 409,
  ORDER_DISPUTE_NOT_FROZEN: 409,
  AUCTION_CLOSED: 409,
  AUCTION_OWN_AUCTION: 409,
  AUCTION_HAS_BIDS: 409,
  AUCTION_BUY_NOW_NOT_OFFERED: 409,
  AUCTION_BUY_NOW_PENDING: 409,
  AUCTION_BID_IN_PROGRESS: 409,
  AUCTION_BID_NOT_HIGHER: 409,
  AUCTION_BID_INTERRUPTED: 409,
  // Only the timer poller meets it; listed so the table stays complete.
  AUCTION_CLOSE_NOT_DUE: 409,
  // 422: well-formed, but the money is not there.
  ORDER_PAYMENT_FAILED: 422,
  ORDER_INSUFFICIENT_FUNDS: 422,
  AUCTION_BID_TOO_LOW: 422,
  AUCTION_INSUFFICIENT_FUNDS: 422,
  // 503: try again later; nothing changed.
  ORDER_UNAVAILABLE: 503,
  AUCTION_WALLET_UNAVAILABLE: 503,
  // A configured increment ladder is checked at boot; these never reach a request.
  AUCTION_LADDER_EMPTY: 500,
  AUCTION_LADDER_MALFORMED: 500,
  AUCTION_LADDER_NOT_FROM_ZERO: 500,
  AUCTION_LADDER_NOT_INCREASING: 500,
  AUCTION_LADDER_INCREMENT_NOT_POSITIVE: 500,
};

export function orderHttpError(code: OrderServiceErrorCode, message: string): HttpError {
  return new HttpError(ERROR_STATUS[code], code, message);
}

/**
 * Mounted after the routers: a database that is unreachable or restarting, or a transaction Postgres
 * aborted (deadlock, serialization), is `503 ORDER_UNAVAILABLE`, to be retried with the same
 * Idempotency-Key, not the 500 the platform gives an unknown error.
 */
export const databaseUnavailable: ErrorRequestHandler = (error, _req, _res, next) => {
  next(
    isTransientDatabaseError(error)
      ? orderHttpError(
          'ORDER_UNAVAILABLE',
          'the order service could not reach its database; try again with the same Idempotency-Key',
        )
      : error,
  );
};

/** The platform's token problems, in the order service's words. */
export const ORDER_TOKEN_CODES = {
  UNAUTHENTICATED: 'ORDER_UNAUTHENTICATED',
  EXPIRED: 'ORDER_TOKEN_EXPIRED',
  INVALID: 'ORDER_TOKEN_INVALID',
  FORBIDDEN: 'ORDER_FORBIDDEN',
} as const;

export const ORDER_BODY_CODES = {
  validation: 'ORDER_VALIDATION_FAILED',
  amount: 'ORDER_AMOUNT_INVALID',
} as const;
export const ORDER_IDEMPOTENCY_CODES = {
  missing: 'ORDER_IDEMPOTENCY_KEY_MISSING',
  invalid: 'ORDER_IDEMPOTENCY_KEY_INVALID',
} as const;

/** A failed payment, in the buyer's terms: the wallet's reason, kept, under the order service's code. */
export function paymentFailureCode(
  walletReasonCode: string | null,
): 'ORDER_INSUFFICIENT_FUNDS' | 'ORDER_PAYMENT_FAILED' {
  return walletReasonCode === 'WALLET_INSUFFICIENT_FUNDS'
    ? 'ORDER_INSUFFICIENT_FUNDS'
    : 'ORDER_PAYMENT_FAILED';
}
