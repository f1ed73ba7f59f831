/**
 * The signer's answers. Signed: check the transaction is exactly the planned one, then store the raw
 * transaction and txid BEFORE anything is broadcast; the broadcaster only ever sends what is stored
 * here, so the same withdrawal can never be paid by two different transactions. Refused: release the
 * reserved coins; a lone withdrawal fails with the signer's reason, a batch is split and each of its
 * withdrawals retried alone (one withdrawal over the signer's cap must not fail its neighbours).
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  PAYLOAD_SCHEMAS,
  TOPICS,
  type WithdrawalSignedPayload,
  type WithdrawalSigningRefusedPayload,
} from '@dbay/contracts';
import { checkSignedTransaction } from '../domain/signed-transaction.js';
import type { Batch } from '../domain/batch.js';
import type { WithdrawalFailure } from '../domain/withdrawal.js';
import { findBatch, updateBatch } from '../adapters/db/batches.js';
import { releaseCoins } from '../adapters/db/coins.js';
import { moveWithdrawal, withdrawalsOfBatch } from '../adapters/db/withdrawals.js';
import { failedEvent } from './events.js';
import { releaseBumpInput } from './broadcast.js';
import { MalformedEventError } from './request-withdrawal.js';
import type { SagaContext } from './ports.js';
import { reportSteps } from './step-reports.js';

/** The contract's payloads with the saga's rules: ids present, txid and transaction lower-case hex. */
const signedPayload = PAYLOAD_SCHEMAS[TOPICS.withdrawalSigned].extend({
  requestId: z.string().min(1),
  txid: z.string().regex(/^[0-9a-f]{64}$/),
  rawTransactionHex: z.string().regex(/^([0-9a-f]{2})+$/),
});

const refusedPayload = PAYLOAD_SCHEMAS[TOPICS.withdrawalSigningRefused].extend({
  requestId: z.string().min(1),
  reasonCode: z.string().min(1),
});

export async function receiveSigned(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: WithdrawalSignedPayload,
  causationId: string,
): Promise<void> {
  const parsed = signedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(`signed answer: ${parsed.error.issues[0]?.message ?? 'bad payload'}`);
  const answer = parsed.data;
  const batch = await findBatch(trx, answer.requestId, true);
  if (!batch) {
    ctx.logger.warn({ requestId: answer.requestId }, 'signed answer for an unknown request: ignored');
    return;
  }
  if (batch.status !== 'AWAITING_SIGNATURE') {
    // A replay, or an answer to a batch cancelled meanwhile: the stored transaction (if any) stands.
    if (batch.txid !== null && batch.txid !== answer.txid) {
      ctx.logger.error(
        { batchId: batch.batchId, storedTxid: batch.txid, answeredTxid: answer.txid },
        'signer answered a different transaction for a signed batch: ignored',
      );
    }
    return;
  }
  const check = checkSignedTransaction(answer.rawTransactionHex, answer.txid, {
    inputs: batch.inputs,
    outputs: batch.outputs,
    feeKoinu: batch.feeKoinu,
    estimatedSizeBytes: batch.estimatedSizeBytes,
    feeRateKoinuPerKb: ctx.policy.batch.feeRateKoinuPerKb,
  });
  if (!check.ok) {
    // Never broadcast a transaction that is not the one we planned; nobody else holds it, so
    // releasing the coins is safe. This is a signer bug: log it loudly.
    ctx.logger.error(
      { batchId: batch.batchId, code: check.code, reason: check.reason },
      'signed transaction failed the saga check',
    );
    await failBatchBeforeBroadcast(ctx, trx, batch, 'REFUSED', check.code, check.reason, causationId);
    return;
  }
  // Killed here, the transaction rolls back and the answer's offset stays uncommitted: Kafka hands the
  // same answer to the next process, which stores it then.
  ctx.crash(
    'after-signed-before-store',
    batch.outputs.map((output) => output.scriptHex),
  );
  const stored = await updateBatch(trx, batch.batchId, 'AWAITING_SIGNATURE', 'SIGNED', {
    rawTxHex: answer.rawTransactionHex,
    txid: check.txid,
    signedSizeBytes: check.sizeBytes,
  });
  if (!stored) throw new Error(`batch ${batch.batchId} changed while storing its signature`);
  for (const withdrawal of await withdrawalsOfBatch(trx, batch.batchId)) {
    await moveWithdrawal(
      trx,
      withdrawal,
      'SIGNED',
      reportSteps(ctx),
      {},
      { txid: check.txid, sizeBytes: check.sizeBytes },
    );
  }
  ctx.logger.info(
    { batchId: batch.batchId, txid: check.txid, sizeBytes: check.sizeBytes },
    'signed transaction stored',
  );
}

export async function receiveRefused(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: WithdrawalSigningRefusedPayload,
  causationId: string,
): Promise<void> {
  const parsed = refusedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(`refused answer: ${parsed.error.issues[0]?.message ?? 'bad payload'}`);
  const code = parsed.data.reasonCode;
  const batch = await findBatch(trx, parsed.data.requestId, true);
  if (!batch || batch.status !== 'AWAITING_SIGNATURE') return;
  await failBatchBeforeBroadcast(ctx, trx, batch, 'REFUSED', code, parsed.data.reason, causationId);
}

/**
 * Ends a batch that was never signed (or whose signature we refused): its coins go back to the hot
 * wallet; its withdrawals fail, or go back to the queue one by one when there were several.
 */
async function failBatchBeforeBroadcast(
  ctx: SagaContext,
  trx: Knex.Transaction,
  batch: Batch,
  to: 'REFUSED' | 'CANCELLED',
  code: string,
  reason: string,
  causationId: string | null,
): Promise<void> {
  const ended = await updateBatch(trx, batch.batchId, 'AWAITING_SIGNATURE', to, {
    refusalCode: code,
    refusalReason: reason,
  });
  if (!ended) throw new Error(`batch ${batch.batchId} changed while ending it`);
  if (batch.purpose === 'FEE_BUMP') {
    // A bump pays no withdrawal: only its coin goes back (tried again, at most FEE_BUMP_MAX_TIMES).
    await releaseBumpInput(ctx, trx, batch);
    ctx.logger.warn({ batchId: batch.batchId, code, reason }, 'fee bump ended before broadcast');
    return;
  }
  const released = await releaseCoins(trx, batch.batchId);
  const withdrawals = await withdrawalsOfBatch(trx, batch.batchId);
  const split = to === 'CANCELLED' || withdrawals.length > 1;
  for (const withdrawal of withdrawals) {
    if (split) {
      await moveWithdrawal(
        trx,
        withdrawal,
        'BATCH_CANCELLED',
        reportSteps(ctx),
        { batchId: null, minerFeeShareKoinu: null, solo: to === 'REFUSED' },
        { code, reason },
      );
    } else {
      const failure: WithdrawalFailure = { code: 'WITHDRAWAL_SIGNER_REFUSED', reason: `${code}: ${reason}` };
      const moved = await moveWithdrawal(
        trx,
        withdrawal,
        'SIGNER_REFUSED',
        reportSteps(ctx),
        { failure },
        { code, reason },
      );
      await ctx.publish(trx, failedEvent(moved, failure, { causationId }));
    }
  }
  ctx.logger.warn(
    { batchId: batch.batchId, code, reason, releasedCoins: released, split },
    'batch ended before broadcast',
  );
}

/** Cancels a batch still waiting for its signature (a reserved coin was reversed); its withdrawals are re-batched. */
export async function cancelUnsignedBatch(
  ctx: SagaContext,
  trx: Knex.Transaction,
  batch: Batch,
  reason: string,
): Promise<void> {
  await failBatchBeforeBroadcast(ctx, trx, batch, 'CANCELLED', 'WITHDRAWAL_COIN_REVERSED', reason, null);
}
