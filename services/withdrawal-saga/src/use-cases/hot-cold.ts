/**
 * Hot and cold (the rules are domain/sweep-plan.ts). On each batching tick, after the withdrawals are
 * batched, under the batch-building lock:
 *
 * - Floor: when the spendable hot coins, less what withdrawals not yet in a transaction will need, fall
 *   below HOT_WALLET_FLOOR_KOINU, a hot-wallet.refill-needed alert (an event, an ALERT log line, the
 *   gauge dbay_withdrawal_saga_hot_wallet_below_floor) asks a person to refill from cold, with the
 *   amount and a fresh refill address of our change chain. Once per crossing. A person sends cold coins
 *   there and declares the transfer through the operator API (refills.ts), recorded by name.
 * - Ceiling: above HOT_WALLET_CEILING_KOINU by at least HOT_WALLET_SWEEP_MIN_KOINU, one SWEEP batch pays
 *   the excess to a fresh receive address of the cold account (derived from COLD_ACCOUNT_XPUB, index from
 *   a sequence) and the rest back to hot change. The signer signs it only if that address derives from
 *   its own configured cold xpub. From there it is an ordinary batch (signed, stored, broadcast,
 *   tracked); when it is broadcast its cold outputs are recorded in cold_coins, which the reconciler
 *   counts with the hot coins. One sweep at a time; after a refusal the next waits SWEEP_RETRY_AFTER_MS.
 */
import type { BIP32Interface } from 'bip32';
import type { Gauge } from 'prom-client';
import { TOPICS } from '@dbay/contracts';
import { deriveAddress } from '@dbay/dogecoin';
import { excessOverCeiling, planSweep, refillNeeded, type HotColdPolicy } from '../domain/sweep-plan.js';
import type { BatchOutput } from '../domain/batch.js';
import { insertBatch, lastSweep, nextChangeIndex, nextColdIndex } from '../adapters/db/batches.js';
import { availableCoins, availableTotalKoinu, reserveCoins } from '../adapters/db/coins.js';
import { lockBatchBuilding } from '../adapters/db/locks.js';
import { owedKoinu } from '../adapters/db/withdrawals.js';
import { changeDestination, scriptHexForAddress } from '../adapters/psbt.js';
import { batchInputsOf, unsignedPsbtSpending } from './unsigned-psbt.js';
import { issueRefillAddress } from './refills.js';
import type { SagaContext } from './ports.js';

/** After the signer refused a sweep, the next one waits this long (a refusal needs a person to look). */
export const SWEEP_RETRY_AFTER_MS = 10 * 60 * 1000;

export interface HotColdMetrics {
  /** 1 while the hot wallet is below its floor. */
  belowFloor: Gauge;
  /** Reported refills not taken in yet (refills.ts). */
  refillReportsPending: Gauge;
}

export class HotColdKeeper {
  private alerted = false;

  constructor(
    private readonly ctx: SagaContext,
    /** mainnet, testnet or regtest: the alert's key. */
    private readonly networkName: string,
    private readonly coldAccount: BIP32Interface | null,
    private readonly policy: HotColdPolicy,
    private readonly metrics: HotColdMetrics,
  ) {}

  /** One look; returns the sweep batch id when a sweep was sent for signing. */
  async tick(): Promise<string | null> {
    const { ctx, policy } = this;
    if (policy.floorKoinu === null && policy.ceilingKoinu === null) return null;
    // Whether the hot wallet is below its floor, known to the process only once the alert committed.
    let below: boolean | undefined;
    const swept = await ctx.db.transaction(async (trx) => {
      await lockBatchBuilding(trx);
      const available = await availableTotalKoinu(trx);
      const owed = await owedKoinu(trx);
      const refill = refillNeeded(available, owed, policy);
      this.metrics.belowFloor.set(refill === null ? 0 : 1);
      if (refill === null) below = false;
      else if (!this.alerted) {
        const refillTo = changeDestination(ctx.accountKey, await nextChangeIndex(trx), ctx.network);
        await issueRefillAddress(trx, refillTo);
        await ctx.publish(trx, {
          topic: TOPICS.hotWalletRefillNeeded,
          key: this.networkName,
          correlationId: ctx.newId(),
          causationId: null,
          payload: {
            network: this.networkName,
            availableKoinu: available.toString(),
            owedKoinu: owed.toString(),
            floorKoinu: policy.floorKoinu!.toString(),
            ceilingKoinu: policy.ceilingKoinu?.toString() ?? null,
            refillKoinu: refill.toString(),
            refillAddress: refillTo.address,
            refillDerivationPath: refillTo.derivationPath,
            observedAt: ctx.now().toISOString(),
          },
        });
        ctx.logger.error(
          {
            availableKoinu: available.toString(),
            owedKoinu: owed.toString(),
            refillKoinu: refill.toString(),
          },
          'ALERT: the hot wallet is below its floor: refill it from cold',
        );
        below = true;
      }
      if (this.coldAccount === null || policy.ceilingKoinu === null) return null;
      // One sweep at a time (the newest is the only one that can still be in flight).
      const last = await lastSweep(trx);
      if (last && (last.status === 'AWAITING_SIGNATURE' || last.status === 'SIGNED')) return null;
      if (
        last &&
        (last.status === 'REFUSED' || last.status === 'CANCELLED') &&
        ctx.now().getTime() - last.createdAt.getTime() < SWEEP_RETRY_AFTER_MS
      )
        return null;
      if (excessOverCeiling(available, owed, policy.ceilingKoinu) < policy.sweepMinKoinu) return null;
      const plan = planSweep(await availableCoins(trx), owed, policy);
      if (!plan) return null;

      const batchId = ctx.newId();
      const coldIndex = await nextColdIndex(trx);
      const cold = deriveAddress(this.coldAccount, 'receive', coldIndex, ctx.network);
      const outputs: BatchOutput[] = [
        {
          scriptHex: scriptHexForAddress(cold.address, ctx.network),
          amountKoinu: plan.coldKoinu,
          withdrawalId: null,
          coldIndex,
          coldAddress: cold.address,
        },
      ];
      let change: { index: number; derivationPath: string } | null = null;
      if (plan.changeKoinu > 0n) {
        const index = await nextChangeIndex(trx);
        const destination = changeDestination(ctx.accountKey, index, ctx.network);
        outputs.push({ scriptHex: destination.scriptHex, amountKoinu: plan.changeKoinu, withdrawalId: null });
        change = { index, derivationPath: destination.derivationPath };
      }
      const psbtBase64 = await unsignedPsbtSpending(trx, plan.inputs, outputs, ctx.network);
      await insertBatch(trx, {
        batchId,
        psbtBase64,
        inputs: batchInputsOf(plan.inputs),
        outputs,
        feeKoinu: plan.feeKoinu,
        estimatedSizeBytes: plan.estimatedSizeBytes,
        changeIndex: change?.index ?? null,
        changeDerivationPath: change?.derivationPath ?? null,
        changeKoinu: plan.changeKoinu,
        correlationId: batchId,
        purpose: 'SWEEP',
      });
      await reserveCoins(trx, plan.inputs, batchId);
      await ctx.publish(trx, {
        topic: TOPICS.withdrawalSigningRequested,
        key: batchId,
        correlationId: batchId,
        causationId: null,
        payload: {
          requestId: batchId,
          psbtBase64,
          inputDerivationPaths: plan.inputs.map((coin) => coin.derivationPath),
          changeDerivationPath: change?.derivationPath ?? null,
          withdrawals: [],
          purpose: 'SWEEP',
          bumpedTxid: null,
          coldAddressIndexes: [coldIndex],
        },
      });
      ctx.logger.info(
        {
          batchId,
          availableKoinu: available.toString(),
          owedKoinu: owed.toString(),
          coldKoinu: plan.coldKoinu.toString(),
          coldIndex,
          coldAddress: cold.address,
          inputs: plan.inputs.length,
          feeKoinu: plan.feeKoinu.toString(),
        },
        'hot wallet above its ceiling: sweep to cold sent for signing',
      );
      return batchId;
    });
    if (below !== undefined) this.alerted = below;
    return swept;
  }
}
