/**
 * The watch after withdrawal.confirmed (the decisions are domain/reorg-watch.ts). On each tick where
 * the best chain's tip changed (or a confirmed transaction is out of the chain), every block holding a
 * watched confirmed transaction is looked up once with getblockheader:
 *
 * - REORG_WATCH_CONFIRMATIONS deep on the best chain: the watch of its transactions ends;
 * - off the best chain (or unknown): each of its transactions is looked up and, when the node has it
 *   in neither the best chain nor the mempool, its stored signed bytes are sent again, exactly as the
 *   tracker does before confirmation. Nothing is re-signed, refunded or paid again: the withdrawals
 *   stay CONFIRMED and the wallet's books do not move. The change output is the hot wallet's again as
 *   soon as the same transaction is back.
 *
 * Transactions already out of the chain are looked at on every tick until they are
 * REQUIRED_CONFIRMATIONS deep again. Each change of where one stands is a withdrawal.reorged alert
 * (and a log line and a metric); CONFLICTED (an input spent by another transaction) needs a person:
 * docs/withdrawal-saga.md has the runbook.
 */
import { RpcError } from '@dbay/chain-rpc';
import type { Counter, Gauge } from 'prom-client';
import { classifyBroadcastError } from '../domain/broadcast.js';
import type { Batch } from '../domain/batch.js';
import { decideWatch, type ChainLook } from '../domain/reorg-watch.js';
import {
  batchesOffChain,
  countOffChain,
  endWatch,
  findBatch,
  recordWatch,
  watchedBatchesInBlock,
  watchedBlocks,
} from '../adapters/db/batches.js';
import { reorgedEvent } from './events.js';
import type { SagaContext } from './ports.js';

/** Blocks looked up per pass: more than the watch depth, so the steady state fits in one pass. */
const BLOCKS_PER_PASS = 500;
const OFF_CHAIN_PER_PASS = 100;

export interface ReorgWatchMetrics {
  /** Alerts raised, by stage. */
  alerts: Counter<'stage'>;
  /** Confirmed transactions out of the chain now. */
  offChain: Gauge;
}

export class ReorgWatch {
  private lastTip: string | undefined;
  private backlog = true;

  constructor(
    private readonly ctx: SagaContext,
    private readonly watchConfirmations: number,
    private readonly metrics: ReorgWatchMetrics,
  ) {}

  /** One pass; returns how many transactions were looked at one by one. */
  async tick(): Promise<number> {
    const { ctx } = this;
    const tip = await ctx.chain.bestBlockHash();
    const offChain = await batchesOffChain(ctx.db, OFF_CHAIN_PER_PASS);
    if (tip === this.lastTip && !this.backlog && offChain.length === 0) return 0;
    let looked = 0;
    const blocks = await watchedBlocks(ctx.db, BLOCKS_PER_PASS);
    for (const blockHash of blocks) {
      const depth = await ctx.chain.blockDepth(blockHash);
      if (depth !== undefined && depth >= this.watchConfirmations) {
        await endWatch(ctx.db, blockHash);
        continue;
      }
      if (depth !== undefined && depth >= 1) continue;
      for (const batch of await watchedBatchesInBlock(ctx.db, blockHash)) {
        await this.look(batch);
        looked += 1;
      }
    }
    for (const batch of offChain) {
      await this.look(batch);
      looked += 1;
    }
    this.metrics.offChain.set(await countOffChain(ctx.db));
    this.backlog = blocks.length === BLOCKS_PER_PASS || offChain.length === OFF_CHAIN_PER_PASS;
    this.lastTip = tip;
    return looked;
  }

  private async look(batch: Batch): Promise<void> {
    const { ctx } = this;
    const { look, rebroadcast } = await this.lookUp(batch);
    const confirmedBlockHash = batch.blockHash!;
    const confirmedBlockHeight = batch.blockHeight!;
    const decision = decideWatch(
      { chainExit: batch.chainExit, blockHash: confirmedBlockHash },
      look,
      ctx.policy.requiredConfirmations,
    );
    const inChain =
      decision.inChain && decision.inChain.blockHash !== null && decision.inChain.blockHeight !== null
        ? {
            blockHash: decision.inChain.blockHash,
            blockHeight: decision.inChain.blockHeight,
            confirmations: decision.inChain.confirmations,
          }
        : null;
    const changed =
      decision.chainExit !== batch.chainExit || (inChain !== null && inChain.blockHash !== batch.blockHash);
    if (!changed && decision.stage === null) return;
    const now = ctx.now();
    await ctx.db.transaction(async (trx) => {
      const current = await findBatch(trx, batch.batchId, true);
      if (!current || current.status !== 'CONFIRMED' || current.chainExit !== batch.chainExit) return;
      await recordWatch(trx, batch.batchId, {
        chainExit: decision.chainExit,
        leaving: batch.chainExit === null && decision.chainExit !== null,
        inChain,
      });
      if (decision.stage === null) return;
      await ctx.publish(
        trx,
        reorgedEvent(
          current,
          decision.stage,
          {
            confirmedBlockHash,
            confirmedBlockHeight,
            inChain: decision.inChain,
            rebroadcast,
            inputsSpentElsewhere: look.kind === 'refused' ? look.inputsSpentElsewhere : [],
          },
          now,
        ),
      );
    });
    if (decision.stage === null) return;
    this.metrics.alerts.inc({ stage: decision.stage });
    const details = {
      batchId: batch.batchId,
      txid: batch.txid,
      stage: decision.stage,
      confirmedBlockHash,
      confirmedBlockHeight,
      blockHash: inChain?.blockHash ?? null,
      rebroadcast,
      ...(look.kind === 'refused'
        ? { error: look.error, inputsSpentElsewhere: look.inputsSpentElsewhere }
        : {}),
    };
    switch (decision.stage) {
      case 'LEFT_CHAIN':
        ctx.logger.error(
          details,
          'ALERT: a confirmed withdrawal transaction left the chain; its stored bytes are sent again',
        );
        break;
      case 'CONFLICTED':
        ctx.logger.error(
          details,
          'ALERT: a confirmed withdrawal transaction left the chain and an input is spent elsewhere: a person must decide',
        );
        break;
      case 'MOVED':
        ctx.logger.warn(
          details,
          'a confirmed withdrawal transaction was mined again in another block after a reorganisation',
        );
        break;
      case 'BACK_IN_CHAIN':
        ctx.logger.info(
          details,
          'a confirmed withdrawal transaction that had left the chain is confirmed again',
        );
        break;
    }
  }

  /** Where the node has the transaction; sends the stored bytes when it has it nowhere. */
  private async lookUp(batch: Batch): Promise<{ look: ChainLook; rebroadcast: boolean }> {
    const { chain } = this.ctx;
    const sighting = await chain.findTransaction(batch.txid!);
    if (sighting !== undefined && sighting.confirmations >= 1)
      return { look: { kind: 'in-chain', sighting }, rebroadcast: false };
    if (sighting !== undefined) return { look: { kind: 'in-mempool' }, rebroadcast: false };
    try {
      await chain.sendRawTransaction(batch.rawTxHex!);
      return { look: { kind: 'sent-again' }, rebroadcast: true };
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      const outcome = classifyBroadcastError(error.code, error.rpcMessage);
      if (outcome.kind === 'accepted' || outcome.kind === 'already-known')
        return { look: { kind: 'sent-again' }, rebroadcast: true };
      const inputsSpentElsewhere: string[] = [];
      if (outcome.kind === 'missing-inputs') {
        for (const input of batch.inputs)
          if (!(await chain.isUnspent(input.txid, input.vout)))
            inputsSpentElsewhere.push(`${input.txid}:${input.vout}`);
      }
      return { look: { kind: 'refused', error: outcome.message, inputsSpentElsewhere }, rebroadcast: true };
    }
  }
}
