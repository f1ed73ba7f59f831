/**
 * Dogecoin fee and dust policy (Dogecoin Core 1.14.x, per the Dogecoin Foundation's fee
 * recommendation), as bigint koinu. 1 DOGE = 100,000,000 koinu.
 */

import { KOINU_PER_DOGE } from '@dbay/money';

/** Re-exported so chain code has the one definition (it lives in @dbay/money, with the parsers). */
export { KOINU_PER_DOGE };

/**
 * Blocks deep a transaction must be before the platform treats it as final (the tip block counts as 1):
 * deposits are credited and withdrawals finalized at this depth. The wallet convention for DOGE, and the
 * default of every setting that names a confirmation depth.
 */
export const DEFAULT_CONFIRMATION_DEPTH = 6;
export const BYTES_PER_KILOBYTE = 1000n;

/** Recommended fee rate: 0.01 DOGE per kB. */
export const RECOMMENDED_FEE_RATE_KOINU_PER_KB = 1_000_000n;
/** The recommended rate per byte: 1,000 koinu. */
export const RECOMMENDED_FEE_RATE_KOINU_PER_BYTE = RECOMMENDED_FEE_RATE_KOINU_PER_KB / BYTES_PER_KILOBYTE;
/** Minimum relay fee rate: 0.001 DOGE per kB; below it nodes do not relay. */
export const MIN_RELAY_FEE_RATE_KOINU_PER_KB = 100_000n;
/** The minimum relay rate per byte: 100 koinu. */
export const MIN_RELAY_FEE_RATE_KOINU_PER_BYTE = MIN_RELAY_FEE_RATE_KOINU_PER_KB / BYTES_PER_KILOBYTE;
/** Hard dust limit: outputs below 0.001 DOGE are non-standard and not relayed. */
export const HARD_DUST_LIMIT_KOINU = 100_000n;
/** Soft dust limit: each output below 0.01 DOGE makes wallets add 0.01 DOGE to the fee. */
export const SOFT_DUST_LIMIT_KOINU = 1_000_000n;

/**
 * Upper bounds of the serialized size of a legacy P2PKH spend: each input is outpoint (36) +
 * script length (1) + scriptSig (push of a DER signature with sighash byte, at most 72 bytes with
 * a low-S signature, + push of a 33-byte compressed key = 107) + sequence (4) = 148 bytes; each
 * P2PKH output is value (8) + script length (1) + script (25) = 34 bytes (P2SH: 32).
 */
export const P2PKH_INPUT_MAX_BYTES = 148;
export const P2PKH_OUTPUT_BYTES = 34;
export const P2SH_OUTPUT_BYTES = 32;
/** Version (4) + locktime (4); the input and output counts are varints added separately. */
export const TRANSACTION_OVERHEAD_BYTES = 8;

function varintSize(count: number): number {
  if (count < 0xfd) return 1;
  if (count <= 0xffff) return 3;
  if (count <= 0xffffffff) return 5;
  return 9;
}

/**
 * The largest size a transaction spending `inputCount` P2PKH inputs into outputs of the given
 * script lengths can have once signed. Use it to price a transaction before signing it.
 */
export function estimateSignedP2pkhSize(inputCount: number, outputScriptLengths: readonly number[]): number {
  const outputs = outputScriptLengths.reduce((sum, length) => sum + 8 + varintSize(length) + length, 0);
  return (
    TRANSACTION_OVERHEAD_BYTES +
    varintSize(inputCount) +
    inputCount * P2PKH_INPUT_MAX_BYTES +
    varintSize(outputScriptLengths.length) +
    outputs
  );
}

/** The fee for `sizeBytes` at `rateKoinuPerKb`, rounded up to a whole koinu. */
export function feeForSize(
  sizeBytes: number,
  rateKoinuPerKb: bigint = RECOMMENDED_FEE_RATE_KOINU_PER_KB,
): bigint {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0)
    throw new Error('size must be a non-negative integer');
  const size = BigInt(sizeBytes);
  return (size * rateKoinuPerKb + BYTES_PER_KILOBYTE - 1n) / BYTES_PER_KILOBYTE;
}

/** True when an output of `valueKoinu` would be refused by nodes as dust. */
export function isHardDust(valueKoinu: bigint): boolean {
  return valueKoinu < HARD_DUST_LIMIT_KOINU;
}

/** True when an output of `valueKoinu` is below the soft dust limit. */
export function isSoftDust(valueKoinu: bigint): boolean {
  return valueKoinu < SOFT_DUST_LIMIT_KOINU;
}
