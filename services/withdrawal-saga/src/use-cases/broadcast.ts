/**
 * Broadcasting and tracking. The broadcaster sends the stored raw transaction of every SIGNED batch
 * and records the broadcast afterwards; if the process dies in between, the next run sends the same
 * bytes again and the node answers "already have it", which counts as success. The tracker follows
 * each broadcast transaction to 6 confirmations, rebroadcasts the stored bytes when a node forgot it,
 * and declares it dropped only when it is gone and one of its inputs was spent by something else for
 * several checks in a row: only then can it never confirm, so only then may the wallet refund.
 */
import type { Knex } from 'knex';
import { RpcError } from '@dbay/chain-rpc';
import { classifyBroadcastError, decideTracking, type ChainSighting } from '../domain/broadcast.js';
import { changeVoutOf, type Batch } from '../domain/batch.js';
import type { WithdrawalFailure } from '../domain/withdrawal.js';
import {
  batchesWithStatus,
  findBatch,
  findBatchByTxid,
  recordColdCoins,
  updateBatch,
} from '../adapters/db/batches.js';
import { shareFee } from '../domain/batch-plan.js';
import {
  addCoin,
  makeChangeAvailable,
  markCoinsSpent,
  recoverCoinAfterDrop,
  releaseBumpCoin,
  reverseCoin,
  savePreviousTransaction,
} from '../adapters/db/coins.js';
import { addMinerFeeShare, moveWithdrawal, withdrawalsOfBatch } from '../adapters/db/withdrawals.js';
import { changeDestination } from '../adapters/psbt.js';
import { broadcastEvent, confirmedEvent, failedEvent, sweptEvent } from './events.js';
import type { SagaContext } from './ports.js';
import { reportConfirmations, reportSteps } from './step-reports.js';

const BATCHES_PER_TICK = 50;

type SendOutcome = { kind: 'out' } | { kind: 'not-accepted'; error: string; missingInputs: boolean };

/** Sends the stored bytes; "already known" and "mined, outputs spent" both count as out. */
async function sendStored(ctx: SagaContext, batch: Batch): Promise<SendOutcome> {
  const rawHex = batch.rawTxHex!;
  try {
    await ctx.chain.sendRawTransaction(rawHex);
    return { kind: 'out' };
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    const outcome = classifyBroadcastError(error.code, error.rpcMessage);
    switch (outcome.kind) {
      case 'accepted':
      case 'already-known':
        return { kind: 'out' };
      case 'missing-inputs':
        if (await ctx.chain.findTransaction(batch.txid!)) return { kind: 'out' };
        return { kind: 'not-accepted', error: outcome.message, missingInputs: true };
      case 'rejected':
        return { kind: 'not-accepted', error: outcome.message, missingInputs: false };
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown broadcast outcome ${JSON.stringify(unreachable)}`, { cause: error });
      }
    }
  }
}

/** Gives a fee bump's input back: spendable when its transaction is confirmed enough, unconfirmed change otherwise. */
export async function releaseBumpInput(ctx: SagaContext, trx: Knex.Transaction, bump: Batch): Promise<void> {
  const creator = await findBatchByTxid(trx, bump.inputs[0]!.txid);
  const spendable = creator !== undefined && creator.confirmations >= ctx.policy.changeMinConfirmations;
  await releaseBumpCoin(trx, bump.batchId, spendable);
}

/** Broadcasts every SIGNED batch; returns how many went out. */
export async function broadcastSigned(ctx: SagaContext): Promise<number> {
  let out = 0;
  const signed = await batchesWithStatus(ctx.db, 'SIGNED', BATCHES_PER_TICK);
  if (signed.length === 0) return 0;
  const height = await ctx.chain.height();
  for (const batch of signed) {
    const scripts = batch.outputs.map((output) => output.scriptHex);
    ctx.crash('after-store-before-broadcast', scripts);
    const sent = await sendStored(ctx, batch);
    if (sent.kind === 'out') {
      ctx.crash('after-broadcast-before-record', scripts);
      await ctx.db.transaction((trx) => recordBroadcast(ctx, trx, batch.batchId, height));
      out += 1;
      continue;
    }
    await ctx.db.transaction(async (trx) => {
      await updateBatch(trx, batch.batchId, 'SIGNED', 'SIGNED', {
        broadcastAttempts: batch.broadcastAttempts + 1,
        lastBroadcastError: sent.error,
      });
    });
    ctx.logger.error(
      { batchId: batch.batchId, txid: batch.txid, error: sent.error },
      'node did not accept the signed transaction',
    );
    if (sent.missingInputs) await checkDropped(ctx, batch);
  }
  return out;
}

async function recordBroadcast(
  ctx: SagaContext,
  trx: Knex.Transaction,
  batchId: string,
  height: number,
): Promise<void> {
  const batch = await findBatch(trx, batchId, true);
  if (!batch || batch.status !== 'SIGNED') return;
  const now = ctx.now();
  await updateBatch(trx, batchId, 'SIGNED', 'BROADCAST', {
    broadcastAttempts: batch.broadcastAttempts + 1,
    lastBroadcastError: null,
    broadcastAt: now,
    broadcastHeight: height,
  });
  if (batch.purpose === 'FEE_BUMP') await bookBumpFee(ctx, trx, batch);
  if (batch.purpose === 'SWEEP') {
    const cold = await recordColdCoins(trx, { ...batch, status: 'BROADCAST' });
    ctx.logger.info({ batchId, txid: batch.txid, coldOutputs: cold }, 'sweep to cold storage broadcast');
  }
  await markCoinsSpent(trx, batchId);
  const changeIndex = changeVoutOf(batch.outputs);
  if (changeIndex >= 0) {
    // The change is ours from now on; it becomes spendable once confirmed deep enough.
    await savePreviousTransaction(trx, batch.txid!, batch.rawTxHex!);
    await addCoin(trx, {
      txid: batch.txid!,
      vout: changeIndex,
      amountKoinu: batch.outputs[changeIndex]!.amountKoinu,
      address: changeDestination(ctx.accountKey, batch.changeIndex!, ctx.network).address,
      derivationPath: batch.changeDerivationPath!,
      source: 'CHANGE',
      status: 'UNCONFIRMED_CHANGE',
      createdByBatchId: batchId,
      sourceEventId: null,
    });
  }
  const withdrawals = await withdrawalsOfBatch(trx, batchId);
  for (const withdrawal of withdrawals) {
    const moved = await moveWithdrawal(
      trx,
      withdrawal,
      'BROADCAST',
      reportSteps(ctx),
      {},
      { txid: batch.txid },
    );
    await ctx.publish(
      trx,
      broadcastEvent(moved, batch.txid!, batchId, withdrawals.length, now, { causationId: null }),
    );
  }
  ctx.logger.info({ batchId, txid: batch.txid, withdrawals: withdrawals.length }, 'transaction broadcast');
}

/**
 * A broadcast fee bump's fee is part of what the stuck transaction's withdrawals cost the platform:
 * it is shared between them like the transaction's own fee, and withdrawal.confirmed reports it.
 */
async function bookBumpFee(ctx: SagaContext, trx: Knex.Transaction, bump: Batch): Promise<void> {
  const withdrawals = await withdrawalsOfBatch(trx, bump.bumpsBatchId!);
  const shares = shareFee(bump.feeKoinu, withdrawals.length);
  const unbooked: string[] = [];
  for (const [index, withdrawal] of withdrawals.entries()) {
    if (!(await addMinerFeeShare(trx, withdrawal.withdrawalId, shares[index]!)))
      unbooked.push(withdrawal.withdrawalId);
  }
  if (unbooked.length > 0)
    ctx.logger.error(
      {
        batchId: bump.batchId,
        stuckBatchId: bump.bumpsBatchId,
        unbooked,
        feeKoinu: bump.feeKoinu.toString(),
      },
      'fee bump broadcast after its withdrawals were confirmed: its fee share is not in withdrawal.confirmed',
    );
}

/** Follows every broadcast transaction; returns how many reached the required depth. */
export async function trackBroadcast(ctx: SagaContext): Promise<number> {
  let confirmed = 0;
  for (const batch of await batchesWithStatus(ctx.db, 'BROADCAST', BATCHES_PER_TICK)) {
    const sighting = await ctx.chain.findTransaction(batch.txid!);
    const decision = decideTracking(sighting, ctx.policy.requiredConfirmations);
    switch (decision.kind) {
      case 'rebroadcast': {
        const sent = await sendStored(ctx, batch);
        ctx.logger.warn(
          { batchId: batch.batchId, txid: batch.txid, outcome: sent.kind },
          'broadcast transaction unknown to the node: rebroadcast the stored bytes',
        );
        if (sent.kind === 'not-accepted' && sent.missingInputs) await checkDropped(ctx, batch);
        break;
      }
      case 'waiting':
        await ctx.db.transaction((trx) => recordSighting(ctx, trx, batch, decision.sighting));
        break;
      case 'confirmed':
        await ctx.db.transaction((trx) => confirmBatch(ctx, trx, batch.batchId, decision.sighting));
        confirmed += 1;
        break;
      default: {
        const unreachable: never = decision;
        throw new Error(`unknown tracking decision ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return confirmed;
}

async function recordSighting(
  ctx: SagaContext,
  trx: Knex.Transaction,
  batch: Batch,
  sighting: ChainSighting,
): Promise<void> {
  await updateBatch(trx, batch.batchId, 'BROADCAST', 'BROADCAST', {
    confirmations: sighting.confirmations,
    blockHash: sighting.blockHash,
    blockHeight: sighting.blockHeight,
    dropChecks: 0,
  });
  await reportConfirmations(
    ctx,
    trx,
    { batchId: batch.batchId, txid: batch.txid!, confirmations: batch.confirmations },
    sighting.confirmations,
  );
  if (sighting.confirmations >= ctx.policy.changeMinConfirmations)
    await makeChangeAvailable(trx, batch.batchId);
}

async function confirmBatch(
  ctx: SagaContext,
  trx: Knex.Transaction,
  batchId: string,
  sighting: ChainSighting,
): Promise<void> {
  const batch = await findBatch(trx, batchId, true);
  if (!batch || batch.status !== 'BROADCAST') return;
  if (sighting.blockHash === null || sighting.blockHeight === null)
    throw new Error(`confirmed transaction ${batch.txid} has no block`);
  await updateBatch(trx, batchId, 'BROADCAST', 'CONFIRMED', {
    confirmations: sighting.confirmations,
    blockHash: sighting.blockHash,
    blockHeight: sighting.blockHeight,
  });
  await makeChangeAvailable(trx, batchId);
  if (batch.purpose === 'SWEEP') {
    const at = {
      blockHash: sighting.blockHash,
      blockHeight: sighting.blockHeight,
      confirmations: sighting.confirmations,
    };
    await ctx.publish(trx, sweptEvent(batch, at));
    ctx.logger.info({ batchId, txid: batch.txid }, 'sweep to cold storage confirmed: booked hot -> cold');
  }
  for (const withdrawal of await withdrawalsOfBatch(trx, batchId)) {
    const moved = await moveWithdrawal(
      trx,
      withdrawal,
      'CONFIRMED',
      reportSteps(ctx),
      {},
      { txid: batch.txid, blockHash: sighting.blockHash, confirmations: sighting.confirmations },
    );
    await ctx.publish(
      trx,
      confirmedEvent(moved, batch.txid!, sighting.blockHash, sighting.blockHeight, sighting.confirmations, {
        causationId: null,
      }),
    );
  }
  ctx.logger.info(
    { batchId, txid: batch.txid, confirmations: sighting.confirmations },
    'withdrawal transaction confirmed',
  );
}

/**
 * The stored transaction is unknown to the node and the node says its inputs are missing. If one of
 * them is really spent (or gone) for `dropConfirmationChecks` checks in a row, the transaction can
 * never confirm: fail its withdrawals (the wallet refunds) and give the still-unspent coins back.
 */
async function checkDropped(ctx: SagaContext, batch: Batch): Promise<void> {
  const spentElsewhere: string[] = [];
  const parentsOffChain: string[] = [];
  const unspent: { txid: string; vout: number }[] = [];
  for (const input of batch.inputs) {
    if (await ctx.chain.isUnspent(input.txid, input.vout)) unspent.push(input);
    // A parent a reorganisation took off the chain may be mined again, and with it these very bytes:
    // that is no evidence of a drop, so it never leads to a refund.
    else if (
      (await ctx.chain.findTransaction(input.txid)) === undefined &&
      (await ctx.chain.everMined(input.txid))
    )
      parentsOffChain.push(input.txid);
    else spentElsewhere.push(`${input.txid}:${input.vout}`);
  }
  if (parentsOffChain.length > 0)
    ctx.logger.warn(
      { batchId: batch.batchId, txid: batch.txid, parentsOffChain },
      'an input of the transaction comes from a transaction a reorganisation took off the chain: waiting for it',
    );
  if (spentElsewhere.length === 0) return;
  await ctx.db.transaction(async (trx) => {
    const current = await findBatch(trx, batch.batchId, true);
    if (!current || (current.status !== 'SIGNED' && current.status !== 'BROADCAST')) return;
    const checks = current.dropChecks + 1;
    if (checks < ctx.policy.dropConfirmationChecks) {
      await updateBatch(trx, batch.batchId, current.status, current.status, { dropChecks: checks });
      return;
    }
    await updateBatch(trx, batch.batchId, current.status, 'DROPPED', { dropChecks: checks });
    for (const coin of unspent) await recoverCoinAfterDrop(trx, coin.txid, coin.vout);
    const changeIndex = changeVoutOf(current.outputs);
    if (changeIndex >= 0) await reverseCoin(trx, current.txid!, changeIndex);
    const failure: WithdrawalFailure = {
      code: 'WITHDRAWAL_DROPPED_BY_NETWORK',
      reason: `transaction ${current.txid} was dropped by the network: inputs ${spentElsewhere.join(', ')} are spent elsewhere`,
    };
    for (const withdrawal of await withdrawalsOfBatch(trx, batch.batchId)) {
      const moved = await moveWithdrawal(
        trx,
        withdrawal,
        'DROPPED_BY_NETWORK',
        reportSteps(ctx),
        { failure },
        { txid: current.txid },
      );
      await ctx.publish(trx, failedEvent(moved, failure, { causationId: null }));
    }
    ctx.logger.error(
      { batchId: batch.batchId, txid: current.txid, spentElsewhere },
      'withdrawal transaction dropped by the network',
    );
  });
}
