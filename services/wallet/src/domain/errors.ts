/**
 * Expected failures of the wallet, as values. Codes carry their domain; only the HTTP entry point maps
 * them to statuses (src/entrypoints/http/error-table.ts), and the Kafka entry point to failure events.
 */
import { InvariantViolation, invariantOf, type Invariant } from '@dbay/platform/invariant';

/** Rejections the domain decides on loaded state. */
export type DomainErrorCode =
  | 'WALLET_NOT_FOUND'
  | 'WALLET_AMOUNT_INVALID'
  | 'WALLET_INSUFFICIENT_FUNDS'
  | 'WALLET_SAME_BUYER_AND_SELLER'
  | 'WALLET_FEE_EXCEEDS_AMOUNT'
  | 'WALLET_ESCROW_NOT_FOUND'
  | 'WALLET_ESCROW_ALREADY_EXISTS'
  | 'WALLET_ESCROW_WRONG_STATE'
  | 'WALLET_ESCROW_DISPUTED'
  | 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'
  | 'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART'
  | 'WALLET_BID_LOCK_NOT_FOUND'
  | 'WALLET_BID_NOT_HIGHER'
  | 'WALLET_BID_LOCK_WRONG_STATE'
  | 'WALLET_BID_AMOUNT_EXCEEDS_LOCK'
  | 'WALLET_BID_LOCK_RELEASED'
  | 'WALLET_BID_LOCK_SUPERSEDED'
  | 'WALLET_WITHDRAWAL_NOT_FOUND'
  | 'WALLET_WITHDRAWAL_ALREADY_EXISTS'
  | 'WALLET_WITHDRAWAL_WRONG_STATE'
  | 'WALLET_WITHDRAWAL_BELOW_MINIMUM'
  | 'WITHDRAWAL_ADDRESS_INVALID'
  | 'WALLET_DEPOSIT_USER_MISMATCH'
  | 'WALLET_DEPOSIT_ADDRESS_NOT_USERS'
  | 'WALLET_DEPOSIT_AMOUNT_MISMATCH';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
}

export function domainError(code: DomainErrorCode, message: string): DomainError {
  return { code, message };
}

/**
 * A broken invariant where money moves: a bug, never an expected outcome. Thrown so the whole DB
 * transaction rolls back and the process says so loudly, instead of committing a wrong balance.
 */
export class WalletInvariantViolation extends InvariantViolation {
  constructor(message: string) {
    super('wallet', message);
  }
}

export const invariant: Invariant = invariantOf(WalletInvariantViolation);
