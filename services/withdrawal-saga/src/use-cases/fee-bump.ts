/**
 * Child-pays-for-parent bumps of stuck withdrawal transactions (the plan is domain/fee-bump.ts). On each
 * tracking tick, every withdrawals batch broadcast at least FEE_BUMP_AFTER_BLOCKS blocks ago and still
 * unconfirmed is looked at: if a bump is due, one database transaction reserves the unconfirmed change
 * of the package's newest transaction, stores a FEE_BUMP batch (one input, one output to a fresh change
 * address) and asks the signer (withdrawal.signing-requested, purpose FEE_BUMP). From there the bump is
 * an ordinary batch: its signature is checked and stored, it is broadcast, tracked and confirmed. A
 * signed bump is always sent, even when the stuck transaction was mined meanwhile: deciding "not needed"
 * while another replica may be sending it could lose track of a bump that is out. When it is broadcast its fee is shared between the stuck
 * transaction's withdrawals (withdrawal.confirmed then reports it, and the wallet books it to network
 * fees). The withdrawals themselves never move: one withdrawal, one payment.
 */
import { TOPICS } from '@dbay/contracts';
import { planFeeBump } from '../domain/fee-bump.js';
import { changeVoutOf } from '../domain/batch.js';
import { bumpsOf, findBatch, insertBatch, nextChangeIndex, stuckBatches } from '../adapters/db/batches.js';
import { findCoin, reserveChangeForBump } from '../adapters/db/coins.js';
import { lockBatchBuilding } from '../adapters/db/locks.js';
import { changeDestination } from '../adapters/psbt.js';
import { batchInputsOf, unsignedPsbtSpending } from './unsigned-psbt.js';
import type { SagaContext } from './ports.js';

const STUCK_PER_TICK = 20;

/** Plans the bumps that are due; returns how many were sent for signing. */
export async function bumpStuckTransactions(ctx: SagaContext): Promise<number> {
  const policy = ctx.policy.feeBump;
  if (policy.maxTimes === 0) return 0;
  const tipHeight = await ctx.chain.height();
  let requested = 0;
  for (const stuck of await stuckBatches(
    ctx.db,
    tipHeight - policy.afterBlocks,
    policy.maxTimes,
    STUCK_PER_TICK,
  )) {
    // The tracker records confirmations on its own tick: after blocks mined in a burst, a transaction
    // already in a block may still read 0 here. Ask the node, so a mined transaction is never bumped.
    const seen = stuck.txid === null ? undefined : await ctx.chain.findTransaction(stuck.txid);
    if (seen !== undefined && seen.confirmations > 0) continue;
    if (await requestBump(ctx, stuck.batchId, tipHeight)) requested += 1;
  }
  return requested;
}

async function requestBump(ctx: SagaContext, stuckBatchId: string, tipHeight: number): Promise<boolean> {
  return ctx.db.transaction(async (trx) => {
    await lockBatchBuilding(trx);
    const stuck = await findBatch(trx, stuckBatchId, true);
    if (!stuck || stuck.status !== 'BROADCAST' || stuck.confirmations > 0 || stuck.broadcastHeight === null)
      return false;
    const bumps = await bumpsOf(trx, stuck.batchId);
    // One bump at a time: the next one spends the change of the one before, once that one is out.
    if (bumps.some((bump) => bump.status === 'AWAITING_SIGNATURE' || bump.status === 'SIGNED')) return false;
    const out = bumps.filter((bump) => bump.status === 'BROADCAST' || bump.status === 'CONFIRMED');
    const newest = out.at(-1) ?? stuck;
    // The change output (changeIndex is its derivation index, not its position).
    const changeVout = changeVoutOf(newest.outputs);
    if (changeVout < 0 || newest.txid === null || newest.broadcastHeight === null) return false;
    const coin = await findCoin(trx, newest.txid, changeVout);
    if (!coin || coin.status !== 'UNCONFIRMED_CHANGE') return false;
    const decision = planFeeBump(
      {
        tipHeight,
        lastBroadcastHeight: newest.broadcastHeight,
        bumpsSoFar: bumps.length,
        package: [stuck, ...out].map((member) => ({
          sizeBytes: member.signedSizeBytes ?? member.estimatedSizeBytes,
          feeKoinu: member.feeKoinu,
        })),
        changeKoinu: coin.amountKoinu,
      },
      ctx.policy.feeBump,
    );
    if (decision.kind === 'wait') return false;
    if (decision.kind === 'never') {
      ctx.logger.debug(
        { batchId: stuck.batchId, txid: stuck.txid, reason: decision.reason },
        'stuck transaction not bumped',
      );
      return false;
    }
    const batchId = ctx.newId();
    const index = await nextChangeIndex(trx);
    const destination = changeDestination(ctx.accountKey, index, ctx.network);
    const outputs = [
      { scriptHex: destination.scriptHex, amountKoinu: decision.changeKoinu, withdrawalId: null },
    ];
    const psbtBase64 = await unsignedPsbtSpending(trx, [coin], outputs, ctx.network);
    await insertBatch(trx, {
      batchId,
      psbtBase64,
      inputs: batchInputsOf([coin]),
      outputs,
      feeKoinu: decision.feeKoinu,
      estimatedSizeBytes: decision.estimatedSizeBytes,
      changeIndex: index,
      changeDerivationPath: destination.derivationPath,
      changeKoinu: decision.changeKoinu,
      correlationId: stuck.correlationId,
      purpose: 'FEE_BUMP',
      bumpsBatchId: stuck.batchId,
    });
    if (!(await reserveChangeForBump(trx, coin, batchId)))
      throw new Error(`change ${coin.txid}:${coin.vout} changed while reserving it for a bump`);
    await ctx.publish(trx, {
      topic: TOPICS.withdrawalSigningRequested,
      key: batchId,
      correlationId: stuck.correlationId,
      causationId: null,
      payload: {
        requestId: batchId,
        psbtBase64,
        inputDerivationPaths: [coin.derivationPath],
        changeDerivationPath: destination.derivationPath,
        withdrawals: [],
        purpose: 'FEE_BUMP',
        bumpedTxid: coin.txid,
        coldAddressIndexes: [],
      },
    });
    ctx.logger.warn(
      {
        batchId,
        stuckBatchId: stuck.batchId,
        stuckTxid: stuck.txid,
        bumpNumber: decision.bumpNumber,
        feeKoinu: decision.feeKoinu.toString(),
        targetRateKoinuPerKb: decision.targetRateKoinuPerKb.toString(),
        blocksWaited: tipHeight - newest.broadcastHeight,
      },
      'stuck withdrawal transaction: child-pays-for-parent bump sent for signing',
    );
    return true;
  });
}
