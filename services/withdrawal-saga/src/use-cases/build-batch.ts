/**
 * Builds the next hot-wallet transaction: pick approved withdrawals, select coins, allocate a fresh
 * change index, build the unsigned PSBT, reserve the coins and ask the signer, all in one database
 * transaction with the outbox event. If anything fails nothing is reserved; a change index may be
 * skipped (sequences do not roll back), which is exactly "never reuse".
 */
import type { Knex } from 'knex';
import { feeForSize } from '@dbay/dogecoin';
import { planBatch, type BatchPlan, type Candidate } from '../domain/batch-plan.js';
import type { BatchOutput } from '../domain/batch.js';
import type { HotWalletCoin } from '../domain/hot-wallet.js';
import type { PayableWithdrawal } from '../domain/withdrawal.js';
import { insertBatch, nextChangeIndex } from '../adapters/db/batches.js';
import { availableCoins, reserveCoins } from '../adapters/db/coins.js';
import { lockBatchBuilding } from '../adapters/db/locks.js';
import { batchCandidates, moveWithdrawal } from '../adapters/db/withdrawals.js';
import { changeDestination } from '../adapters/psbt.js';
import { batchInputsOf, unsignedPsbtSpending } from './unsigned-psbt.js';
import { TOPICS } from '@dbay/contracts';
import type { SagaContext } from './ports.js';
import { reportSteps } from './step-reports.js';

/** How many candidates one batch-building pass looks at. */
const CANDIDATES_PER_PASS = 500;

export type BuildResult =
  | { kind: 'idle' }
  | { kind: 'window-open'; ripeAt: Date }
  | { kind: 'waiting-for-funds'; count: number }
  | { kind: 'batched'; batchId: string; withdrawals: number; outputScripts: string[] };

function candidateOf(withdrawal: PayableWithdrawal): Candidate {
  if (!withdrawal.approvedAt)
    throw new Error(`approved withdrawal ${withdrawal.withdrawalId} has no approval time`);
  return {
    withdrawalId: withdrawal.withdrawalId,
    amountKoinu: withdrawal.amounts.amountKoinu,
    scriptLength: withdrawal.destinationScriptHex.length / 2,
    approvedAt: withdrawal.approvedAt,
  };
}

export async function buildNextBatch(ctx: SagaContext): Promise<BuildResult> {
  const result = await planAndCreate(ctx);
  // Committed: the coins are reserved and the signing request is in the outbox, perhaps not yet sent.
  if (result.kind === 'batched') ctx.crash('after-signing-requested', result.outputScripts);
  return result;
}

function planAndCreate(ctx: SagaContext): Promise<BuildResult> {
  return ctx.db.transaction(async (trx) => {
    await lockBatchBuilding(trx);
    const all = await batchCandidates(trx, CANDIDATES_PER_PASS);
    if (all.length === 0) return { kind: 'idle' };
    // A withdrawal whose batch the signer refused is retried alone, so one withdrawal over the
    // signer's limits cannot fail the others again.
    const solo = all.find((withdrawal) => withdrawal.solo);
    const pool = solo ? [solo] : all;
    const policy = solo
      ? { ...ctx.policy.batch, maxWithdrawalsPerBatch: 1, batchWindowMs: 0 }
      : ctx.policy.batch;
    const coins = await availableCoins(trx);
    const now = ctx.now();
    const result = planBatch(pool.map(candidateOf), coins, policy, now);
    const byId = new Map(all.map((withdrawal) => [withdrawal.withdrawalId, withdrawal]));

    const markWaiting = async (ids: readonly string[]) => {
      for (const id of ids) {
        const withdrawal = byId.get(id)!;
        if (withdrawal.status === 'APPROVED')
          await moveWithdrawal(
            trx,
            withdrawal,
            'FUNDS_SHORT',
            reportSteps(ctx),
            {},
            { availableCoins: coins.length },
          );
      }
    };
    switch (result.kind) {
      case 'nothing-to-do':
        return { kind: 'idle' };
      case 'window-open':
        return { kind: 'window-open', ripeAt: result.ripeAt };
      case 'all-waiting-for-funds':
        await markWaiting(result.waitingForFunds);
        return { kind: 'waiting-for-funds', count: result.waitingForFunds.length };
      case 'batch': {
        await markWaiting(result.plan.waitingForFunds);
        const { batchId, outputScripts } = await createBatch(ctx, trx, result.plan, byId);
        return { kind: 'batched', batchId, withdrawals: result.plan.payments.length, outputScripts };
      }
      default: {
        const unreachable: never = result;
        throw new Error(`unknown plan ${JSON.stringify(unreachable)}`);
      }
    }
  });
}

async function createBatch(
  ctx: SagaContext,
  trx: Knex.Transaction,
  plan: BatchPlan<HotWalletCoin>,
  byId: Map<string, PayableWithdrawal>,
): Promise<{ batchId: string; outputScripts: string[] }> {
  const batchId = ctx.newId();
  const { selection, payments } = plan;
  const withdrawals = payments.map((payment) => byId.get(payment.withdrawalId)!);
  const outputs: BatchOutput[] = withdrawals.map((w) => ({
    scriptHex: w.destinationScriptHex,
    amountKoinu: w.amounts.amountKoinu,
    withdrawalId: w.withdrawalId,
  }));
  let change: { index: number; derivationPath: string } | null = null;
  if (selection.changeKoinu > 0n) {
    const index = await nextChangeIndex(trx);
    const destination = changeDestination(ctx.accountKey, index, ctx.network);
    outputs.push({
      scriptHex: destination.scriptHex,
      amountKoinu: selection.changeKoinu,
      withdrawalId: null,
    });
    change = { index, derivationPath: destination.derivationPath };
  }
  const psbtBase64 = await unsignedPsbtSpending(trx, selection.inputs, outputs, ctx.network);
  if (selection.feeKoinu < feeForSize(selection.estimatedSizeBytes, ctx.policy.batch.feeRateKoinuPerKb)) {
    throw new Error(`batch ${batchId} fee is below the recommended rate for its size`);
  }
  const correlationId = withdrawals.length === 1 ? withdrawals[0]!.correlationId : batchId;
  await insertBatch(trx, {
    batchId,
    psbtBase64,
    inputs: batchInputsOf(selection.inputs),
    outputs,
    feeKoinu: selection.feeKoinu,
    estimatedSizeBytes: selection.estimatedSizeBytes,
    changeIndex: change?.index ?? null,
    changeDerivationPath: change?.derivationPath ?? null,
    changeKoinu: selection.changeKoinu,
    correlationId,
  });
  await reserveCoins(trx, selection.inputs, batchId);
  for (const [index, withdrawal] of withdrawals.entries()) {
    await moveWithdrawal(
      trx,
      withdrawal,
      'BATCHED',
      reportSteps(ctx),
      { batchId, minerFeeShareKoinu: plan.feeSharesKoinu[index]! },
      { batchId },
    );
  }
  await ctx.publish(trx, {
    topic: TOPICS.withdrawalSigningRequested,
    key: batchId,
    correlationId,
    causationId: null,
    payload: {
      requestId: batchId,
      psbtBase64,
      inputDerivationPaths: selection.inputs.map((coin) => coin.derivationPath),
      changeDerivationPath: change?.derivationPath ?? null,
      withdrawals: withdrawals.map((w) => ({
        withdrawalId: w.withdrawalId,
        destinationAddress: w.destinationAddress,
        amountKoinu: w.amounts.amountKoinu.toString(),
      })),
      purpose: 'WITHDRAWALS',
      bumpedTxid: null,
      coldAddressIndexes: [],
    },
  });
  ctx.logger.info(
    {
      batchId,
      withdrawals: withdrawals.length,
      inputs: selection.inputs.length,
      feeKoinu: selection.feeKoinu.toString(),
    },
    'batch sent for signing',
  );
  return { batchId, outputScripts: outputs.map((output) => output.scriptHex) };
}
