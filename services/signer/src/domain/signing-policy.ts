/**
 * The limits the signer enforces on every transaction, whatever the saga asked for. Values come
 * from config (src/config.ts); the domain only reads them.
 */
import { MIN_RELAY_FEE_RATE_KOINU_PER_BYTE, RECOMMENDED_FEE_RATE_KOINU_PER_BYTE } from '@dbay/dogecoin';
import type { ColdAccount } from './cold-account.js';

export interface SigningPolicy {
  /** Largest fee of one transaction, whatever its size. */
  maxFeeKoinu: bigint;
  /** Largest fee per byte of the signed transaction. */
  maxFeeRateKoinuPerByte: bigint;
  /** Smallest fee per byte: below the relay minimum the transaction would never confirm. */
  minFeeRateKoinuPerByte: bigint;
  /** Largest amount of a single withdrawal. */
  maxWithdrawalKoinu: bigint;
  /** Largest outflow (withdrawals plus fees) signed in any rolling 24 hours. */
  dailyCapKoinu: bigint;
  /** Largest fee of one child-pays-for-parent bump. */
  maxBumpFeeKoinu: bigint;
  /**
   * Largest fee per byte of a bump's package (the bumped transaction plus the bump), counted as if the
   * bumped transaction paid nothing: the bump alone may pay at most this rate for both.
   */
  maxBumpFeeRateKoinuPerByte: bigint;
  /** The only place a sweep may send coins; null: sweeps are refused. */
  coldAccount: ColdAccount | null;
}

/** Twice the recommended rate: room for a fee bump, none for a fat-fingered fee. */
export const DEFAULT_MAX_FEE_RATE_KOINU_PER_BYTE = 2n * RECOMMENDED_FEE_RATE_KOINU_PER_BYTE;
export const DEFAULT_MIN_FEE_RATE_KOINU_PER_BYTE = MIN_RELAY_FEE_RATE_KOINU_PER_BYTE;
/** Ten times the recommended rate for a bump's whole package: enough to jump a congested mempool. */
export const DEFAULT_MAX_BUMP_FEE_RATE_KOINU_PER_BYTE = 10n * RECOMMENDED_FEE_RATE_KOINU_PER_BYTE;

/** The rolling window of the daily cap. */
export const DAILY_CAP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Transaction versions Dogecoin Core 1.14 relays as standard. */
export const STANDARD_TRANSACTION_VERSIONS: readonly number[] = [1, 2];
