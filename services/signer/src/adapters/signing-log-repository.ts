/**
 * The signing log in Postgres (schema signer, see migrations/). Money columns are BIGINT koinu and
 * become bigint here, once. All functions take the consumer's transaction: the log row and the
 * outbox answer commit together.
 */
import type { Knex } from 'knex';
import type { PreviousSigning, SignedTransaction } from '../domain/decide-signing.js';
import type { SigningRefusal } from '../domain/refusal.js';
import { SIGNING_PURPOSES, type SigningPurpose } from '../domain/signing-request.js';

/**
 * Key of the transaction-scoped advisory lock that serializes signing decisions: the daily cap is a
 * sum over the log, so two concurrent decisions must not both see the same total.
 */
export const SIGNING_LOG_LOCK_KEY = 0x5349474e; // "SIGN"

/**
 * BIGINT koinu columns (and their SUM, which Postgres returns as NUMERIC without decimals) arrive
 * as integer strings. Anything else is a schema bug: fail loudly rather than guess.
 */
function koinuFromBigintColumn(value: string): bigint {
  if (!/^-?\d+$/.test(value)) throw new Error(`unexpected koinu value from the database: ${value}`);
  return BigInt(value);
}

export interface RequestMeta {
  requestId: string;
  requestEventId: string;
  correlationId: string;
}

interface SigningRow {
  id: string;
  request_id: string;
  unsigned_tx_sha256: string;
  txid: string;
  raw_tx_hex: string;
  fee_koinu: string;
  outflow_koinu: string;
  size_bytes: number;
  change_output_index: number | null;
  bumped_txid: string | null;
  purpose: string;
}

interface SignedWithdrawalRow {
  withdrawal_id: string;
  signing_id: string;
  destination_address: string;
  amount_koinu: string;
}

export async function lockSigningLog(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [SIGNING_LOG_LOCK_KEY]);
}

/** Every earlier signing that paid any of `withdrawalIds`, each with all the withdrawals it paid. */
export async function findSigningsPaying(
  trx: Knex.Transaction,
  withdrawalIds: readonly string[],
): Promise<PreviousSigning[]> {
  const signingIds = (await trx('signed_withdrawals')
    .distinct('signing_id')
    .whereIn('withdrawal_id', withdrawalIds)) as { signing_id: string }[];
  if (signingIds.length === 0) return [];
  const ids = signingIds.map((row) => row.signing_id);
  const signings = (await trx('signings').select('*').whereIn('id', ids).orderBy('id')) as SigningRow[];
  const withdrawals = (await trx('signed_withdrawals')
    .select('*')
    .whereIn('signing_id', ids)
    .orderBy('withdrawal_id')) as SignedWithdrawalRow[];
  return signings.map((row) =>
    signingOf(
      row,
      withdrawals
        .filter((w) => w.signing_id === row.id)
        .map((w) => ({
          withdrawalId: w.withdrawal_id,
          destinationAddress: w.destination_address,
          amountKoinu: koinuFromBigintColumn(w.amount_koinu),
        })),
    ),
  );
}

/** A signing-log row as the domain reads it, with the withdrawals it paid (none for a bump or a sweep). */
function signingOf(row: SigningRow, withdrawals: PreviousSigning['withdrawals'] = []): PreviousSigning {
  return {
    requestId: row.request_id,
    unsignedTransactionHash: row.unsigned_tx_sha256,
    txid: row.txid,
    rawTransactionHex: row.raw_tx_hex,
    feeKoinu: koinuFromBigintColumn(row.fee_koinu),
    outflowKoinu: koinuFromBigintColumn(row.outflow_koinu),
    sizeBytes: row.size_bytes,
    changeOutputIndex: row.change_output_index,
    purpose: oneOfPurposes(row.purpose),
    bumpedTxid: row.bumped_txid,
    withdrawals,
  };
}

function oneOfPurposes(value: string): SigningPurpose {
  if (!(SIGNING_PURPOSES as readonly string[]).includes(value))
    throw new Error(`unexpected signings.purpose in the signing log: ${value}`);
  return value as SigningPurpose;
}

/** The fee bump already signed for `bumpedTxid`, if any (a transaction is bumped at most once). */
export async function findBumpOf(
  trx: Knex.Transaction,
  bumpedTxid: string,
): Promise<PreviousSigning | undefined> {
  const row = (await trx('signings').where({ bumped_txid: bumpedTxid }).first()) as SigningRow | undefined;
  return row ? signingOf(row) : undefined;
}

/** A sweep (or bump) signed for this requestId before, if any. */
export async function findSigningOfRequest(
  trx: Knex.Transaction,
  requestId: string,
): Promise<PreviousSigning | undefined> {
  const row = (await trx('signings').where({ request_id: requestId }).orderBy('id').first()) as
    SigningRow | undefined;
  return row ? signingOf(row) : undefined;
}

/** Outflow signed in the last 24 hours by the database clock (one clock for every signer replica). */
export async function outflowLast24h(trx: Knex.Transaction): Promise<bigint> {
  const row = (await trx('signings')
    .where('signed_at', '>', trx.raw("now() - interval '24 hours'"))
    .sum({ total: 'outflow_koinu' })
    .first()) as { total: string | null } | undefined;
  return row?.total ? koinuFromBigintColumn(row.total) : 0n;
}

export async function insertSigning(
  trx: Knex.Transaction,
  signed: SignedTransaction,
  meta: RequestMeta,
): Promise<void> {
  const [inserted] = await trx('signings')
    .insert({
      request_id: meta.requestId,
      unsigned_tx_sha256: signed.unsignedTransactionHash,
      txid: signed.txid,
      raw_tx_hex: signed.rawTransactionHex,
      fee_koinu: signed.feeKoinu.toString(),
      outflow_koinu: signed.outflowKoinu.toString(),
      size_bytes: signed.sizeBytes,
      change_output_index: signed.changeOutputIndex,
      purpose: signed.purpose,
      bumped_txid: signed.bumpedTxid,
      request_event_id: meta.requestEventId,
      correlation_id: meta.correlationId,
    })
    .returning<{ id: string }[]>('id');
  if (signed.withdrawals.length === 0) return;
  await trx('signed_withdrawals').insert(
    signed.withdrawals.map((w) => ({
      withdrawal_id: w.withdrawalId,
      signing_id: inserted!.id,
      destination_address: w.destinationAddress,
      amount_koinu: w.amountKoinu.toString(),
    })),
  );
}

export async function insertRefusal(
  trx: Knex.Transaction,
  refusal: SigningRefusal,
  withdrawalIds: readonly string[],
  meta: RequestMeta,
): Promise<void> {
  await trx('refusals').insert({
    request_id: meta.requestId,
    withdrawal_ids: withdrawalIds,
    code: refusal.code,
    reason: refusal.reason,
    request_event_id: meta.requestEventId,
    correlation_id: meta.correlationId,
  });
}
