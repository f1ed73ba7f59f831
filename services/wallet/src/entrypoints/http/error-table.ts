/**
 * The one table from wallet error codes to HTTP statuses. Domain codes come from src/domain/errors.ts;
 * the rest are raised by the HTTP entry point itself. Body: { "error": { "code", "message" } }.
 */
import { HttpError } from '@dbay/platform';
import type { DomainErrorCode } from '../../domain/index.js';

export type HttpOnlyErrorCode =
  | 'WALLET_VALIDATION_FAILED'
  | 'WALLET_IDEMPOTENCY_KEY_MISSING'
  | 'WALLET_IDEMPOTENCY_KEY_INVALID'
  | 'WALLET_IDEMPOTENCY_KEY_REUSED'
  | 'WALLET_WITHDRAWAL_NOT_FOUND'
  | 'WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED'
  | 'WALLET_DEPOSIT_ADDRESSES_UNCONFIGURED'
  | 'WITHDRAWAL_TO_OWN_ADDRESS'
  | 'WALLET_BUSY'
  | 'WALLET_UNAVAILABLE';

/** The platform's token problems, in the wallet's words (request.ts maps them). */
export type TokenErrorCode =
  'WALLET_UNAUTHENTICATED' | 'WALLET_TOKEN_EXPIRED' | 'WALLET_TOKEN_INVALID' | 'WALLET_FORBIDDEN';

export type WalletErrorCode = DomainErrorCode | TokenErrorCode | HttpOnlyErrorCode;

export const ERROR_STATUS: Record<WalletErrorCode, number> = {
  // 400: the request itself is wrong.
  WALLET_VALIDATION_FAILED: 400,
  WALLET_AMOUNT_INVALID: 400,
  WALLET_IDEMPOTENCY_KEY_MISSING: 400,
  WALLET_IDEMPOTENCY_KEY_INVALID: 400,
  WITHDRAWAL_ADDRESS_INVALID: 400,
  WALLET_SAME_BUYER_AND_SELLER: 400,
  WALLET_FEE_EXCEEDS_AMOUNT: 400,
  // 401 / 403: who is asking.
  WALLET_UNAUTHENTICATED: 401,
  WALLET_TOKEN_INVALID: 401,
  WALLET_TOKEN_EXPIRED: 401,
  WALLET_FORBIDDEN: 403,
  // 404: nothing of that name (for this caller).
  WALLET_NOT_FOUND: 404,
  WALLET_ESCROW_NOT_FOUND: 404,
  WALLET_BID_LOCK_NOT_FOUND: 404,
  WALLET_WITHDRAWAL_NOT_FOUND: 404,
  WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED: 404,
  // 409: the state does not allow it.
  WALLET_IDEMPOTENCY_KEY_REUSED: 409,
  WALLET_ESCROW_ALREADY_EXISTS: 409,
  WALLET_ESCROW_WRONG_STATE: 409,
  WALLET_ESCROW_DISPUTED: 409,
  WALLET_BID_NOT_HIGHER: 409,
  WALLET_BID_LOCK_WRONG_STATE: 409,
  WALLET_BID_LOCK_RELEASED: 409,
  WALLET_BID_LOCK_SUPERSEDED: 409,
  WALLET_WITHDRAWAL_ALREADY_EXISTS: 409,
  WALLET_WITHDRAWAL_WRONG_STATE: 409,
  WALLET_DEPOSIT_USER_MISMATCH: 409,
  WALLET_DEPOSIT_ADDRESS_NOT_USERS: 409,
  WALLET_DEPOSIT_AMOUNT_MISMATCH: 409,
  // 422: well-formed, but the money is not there.
  WALLET_INSUFFICIENT_FUNDS: 422,
  WALLET_WITHDRAWAL_BELOW_MINIMUM: 422,
  WALLET_BID_AMOUNT_EXCEEDS_LOCK: 422,
  WALLET_SPLIT_REFUND_OUT_OF_RANGE: 422,
  WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART: 422,
  // 422: well-formed, but the destination is one of the platform's own addresses (docs/wallet.md).
  WITHDRAWAL_TO_OWN_ADDRESS: 422,
  // 503: try again later; nothing changed.
  WALLET_BUSY: 503,
  WALLET_UNAVAILABLE: 503,
  WALLET_DEPOSIT_ADDRESSES_UNCONFIGURED: 503,
};

export function walletError(code: WalletErrorCode, message: string): HttpError {
  return new HttpError(ERROR_STATUS[code], code, message);
}
