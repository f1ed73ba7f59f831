/**
 * Coin selection and pricing of one hot-wallet transaction. Pure and deterministic: the same coins
 * and payments always give the same inputs, fee and change.
 *
 * Pricing: the fee is the recommended rate (0.01 DOGE/kB) on the largest size the signed
 * transaction can have (every P2PKH input priced at its maximum signature length). The signed
 * transaction is never larger than priced, so the real rate is never below the recommended one; the
 * check after signing (see signed-transaction.ts) proves it. No output is dust: payments below the
 * soft dust limit (0.01 DOGE) are refused before they get here, and change below it is not created
 * but goes to the fee, because such an output would cost more to spend than it is worth.
 */
import { estimateSignedP2pkhSize, feeForSize, SOFT_DUST_LIMIT_KOINU } from '@dbay/dogecoin';

/** A P2PKH output script is 25 bytes; every change output is one. */
export const P2PKH_SCRIPT_BYTES = 25;

export interface Coin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  /**
   * Size of the transaction that created the coin. The unsigned PSBT carries it whole for each input
   * (the signer checks the input's amount against it), so it counts against `maxPreviousTxBytes`.
   */
  previousTxBytes: number;
}

export interface Payment {
  withdrawalId: string;
  amountKoinu: bigint;
  /** Length of the destination's output script (25 for P2PKH, 23 for P2SH). */
  scriptLength: number;
}

export interface SelectionPolicy {
  feeRateKoinuPerKb: bigint;
  /**
   * The signer refuses a fee rate above its maximum (twice the recommended rate), so change too
   * small to keep may only go to the fee while the rate stays at or below this; otherwise another
   * coin is added to make the change worth keeping.
   */
  maxFeeRateKoinuPerKb: bigint;
  /** At most this many inputs, to stay far below the 100 kB standard transaction size. */
  maxInputs: number;
  /**
   * At most this many bytes of previous transactions in one batch: the signing request carries them
   * in its PSBT and must stay under Kafka's 1 MB message limit (base64 adds a third). A coin from a
   * large transaction (a deposit in an exchange's payout with hundreds of outputs) can weigh 30 kB.
   */
  maxPreviousTxBytes: number;
}

export interface Selection<C extends Coin> {
  inputs: C[];
  /** 0n when the transaction has no change output. */
  changeKoinu: bigint;
  feeKoinu: bigint;
  /** The priced (maximum) size of the signed transaction. */
  estimatedSizeBytes: number;
}

export type SelectionResult<C extends Coin> =
  { ok: true; selection: Selection<C> } | { ok: false; shortfallKoinu: bigint };

function sumKoinu(values: readonly { amountKoinu: bigint }[]): bigint {
  return values.reduce((sum, value) => sum + value.amountKoinu, 0n);
}

/** The fee a transaction with `inputCount` inputs, these payments and optionally change must carry. */
export function requiredFee(
  inputCount: number,
  payments: readonly Payment[],
  withChange: boolean,
  policy: SelectionPolicy,
): { feeKoinu: bigint; sizeBytes: number } {
  const scripts = payments.map((payment) => payment.scriptLength);
  if (withChange) scripts.push(P2PKH_SCRIPT_BYTES);
  const sizeBytes = estimateSignedP2pkhSize(inputCount, scripts);
  return { feeKoinu: feeForSize(sizeBytes, policy.feeRateKoinuPerKb), sizeBytes };
}

/**
 * Settles a chosen set of inputs: with change when the change would be at least the soft dust
 * limit, otherwise without, the remainder going to the fee. Undefined when the inputs do not cover
 * the payments and the fee.
 */
function settle<C extends Coin>(
  inputs: C[],
  payments: readonly Payment[],
  policy: SelectionPolicy,
): Selection<C> | undefined {
  const inputTotal = sumKoinu(inputs);
  const paid = sumKoinu(payments);
  const withChange = requiredFee(inputs.length, payments, true, policy);
  const change = inputTotal - paid - withChange.feeKoinu;
  if (change >= SOFT_DUST_LIMIT_KOINU) {
    return {
      inputs,
      changeKoinu: change,
      feeKoinu: withChange.feeKoinu,
      estimatedSizeBytes: withChange.sizeBytes,
    };
  }
  const withoutChange = requiredFee(inputs.length, payments, false, policy);
  const fee = inputTotal - paid;
  if (fee < withoutChange.feeKoinu) return undefined;
  if (fee > feeForSize(withoutChange.sizeBytes, policy.maxFeeRateKoinuPerKb)) return undefined;
  return {
    inputs,
    changeKoinu: 0n,
    feeKoinu: inputTotal - paid,
    estimatedSizeBytes: withoutChange.sizeBytes,
  };
}

function byAmountThenOutpoint(left: Coin, right: Coin): number {
  if (left.amountKoinu !== right.amountKoinu) return left.amountKoinu < right.amountKoinu ? -1 : 1;
  if (left.txid !== right.txid) return left.txid < right.txid ? -1 : 1;
  return left.vout - right.vout;
}

/**
 * Picks inputs for `payments`: first the smallest single coin that pays everything (one input is
 * the cheapest transaction and keeps big coins whole), otherwise the largest coins first until the
 * total is covered (fewest inputs, lowest fee).
 */
export function selectCoins<C extends Coin>(
  coins: readonly C[],
  payments: readonly Payment[],
  policy: SelectionPolicy,
): SelectionResult<C> {
  if (payments.length === 0) throw new Error('selectCoins needs at least one payment');
  for (const payment of payments) {
    if (payment.amountKoinu < SOFT_DUST_LIMIT_KOINU)
      throw new Error(`payment ${payment.withdrawalId} is below the soft dust limit`);
  }
  const ascending = [...coins]
    .filter((coin) => coin.previousTxBytes <= policy.maxPreviousTxBytes)
    .sort(byAmountThenOutpoint);
  for (const coin of ascending) {
    const single = settle([coin], payments, policy);
    if (single) return { ok: true, selection: single };
  }
  const descending = ascending.reverse();
  const chosen: C[] = [];
  let previousTxBytes = 0;
  for (const coin of descending) {
    if (chosen.length >= policy.maxInputs) break;
    // A coin whose previous transaction would not fit is passed over; a smaller one may still fit.
    if (previousTxBytes + coin.previousTxBytes > policy.maxPreviousTxBytes) continue;
    previousTxBytes += coin.previousTxBytes;
    chosen.push(coin);
    const settled = settle([...chosen], payments, policy);
    if (settled) return { ok: true, selection: settled };
  }
  const needed =
    sumKoinu(payments) + requiredFee(Math.max(chosen.length, 1), payments, false, policy).feeKoinu;
  return { ok: false, shortfallKoinu: needed - sumKoinu(chosen) };
}
