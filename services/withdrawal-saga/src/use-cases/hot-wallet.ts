/**
 * The hot wallet's coins come from confirmed deposits (each carries its full funding transaction,
 * which legacy P2PKH signing needs) and from the saga's own change. A deposit is checked against
 * its raw transaction before it is trusted as spendable. A reversed deposit leaves the set; if it was
 * reserved by a batch still waiting for its signature, that batch is cancelled and its withdrawals
 * are re-batched from other coins. A reversed deposit confirmed again (the watcher saw it come back
 * after a deep reorganisation) is taken back only if the node has the output unspent, so a replayed
 * confirmation of a coin that is really gone changes nothing.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  PAYLOAD_SCHEMAS,
  TOPICS,
  type DepositConfirmedPayload,
  type DepositReversedPayload,
} from '@dbay/contracts';
import { Transaction } from 'bitcoinjs-lib';
import { parseKoinu } from '@dbay/money';
import { parseAddressPath } from '@dbay/dogecoin';
import { findBatch } from '../adapters/db/batches.js';
import {
  addCoin,
  findCoin,
  reinstateCoin,
  reverseCoin,
  savePreviousTransaction,
} from '../adapters/db/coins.js';
import { scriptHexForAddress } from '../adapters/psbt.js';
import { MalformedEventError } from './request-withdrawal.js';
import { cancelUnsignedBatch } from './signing-answers.js';
import type { SagaContext } from './ports.js';

/** The contract's payloads with the saga's rules: txid and transaction lower-case hex, vout not negative. */
const confirmedPayload = PAYLOAD_SCHEMAS[TOPICS.depositConfirmed].extend({
  txid: z.string().regex(/^[0-9a-f]{64}$/),
  vout: z.number().int().min(0),
  rawTransactionHex: z.string().regex(/^([0-9a-f]{2})+$/),
});

const reversedPayload = PAYLOAD_SCHEMAS[TOPICS.depositReversed].extend({
  txid: z.string().regex(/^[0-9a-f]{64}$/),
  vout: z.number().int().min(0),
});

export async function receiveConfirmedDeposit(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: DepositConfirmedPayload,
  eventId: string,
): Promise<void> {
  const parsed = confirmedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(
      `${TOPICS.depositConfirmed}: ${parsed.error.issues[0]?.message ?? 'bad payload'}`,
    );
  const deposit = parsed.data;
  const amountKoinu = parseKoinu(deposit.amountKoinu);
  parseAddressPath(deposit.derivationPath);
  let tx: Transaction;
  try {
    tx = Transaction.fromHex(deposit.rawTransactionHex);
  } catch {
    throw new MalformedEventError(
      `${TOPICS.depositConfirmed} ${deposit.txid}: raw transaction does not parse`,
    );
  }
  const output = tx.outs[deposit.vout];
  if (
    tx.getId() !== deposit.txid ||
    !output ||
    output.value !== amountKoinu ||
    Buffer.from(output.script).toString('hex') !== scriptHexForAddress(deposit.address, ctx.network)
  ) {
    throw new MalformedEventError(
      `${TOPICS.depositConfirmed} ${deposit.txid}:${deposit.vout}: raw transaction does not match the event`,
    );
  }
  await savePreviousTransaction(trx, deposit.txid, deposit.rawTransactionHex);
  const added = await addCoin(trx, {
    txid: deposit.txid,
    vout: deposit.vout,
    amountKoinu,
    address: deposit.address,
    derivationPath: deposit.derivationPath,
    source: 'DEPOSIT',
    status: 'AVAILABLE',
    createdByBatchId: null,
    sourceEventId: eventId,
  });
  if (added) {
    ctx.logger.info(
      { txid: deposit.txid, vout: deposit.vout, amountKoinu: amountKoinu.toString() },
      'hot wallet coin added',
    );
    return;
  }
  const known = await findCoin(trx, deposit.txid, deposit.vout);
  if (known?.status !== 'REVERSED' || known.source !== 'DEPOSIT') return;
  if (known.batchId !== null) {
    // Reversed while a signed transaction spent it: those bytes may still go out and spend it.
    const batch = await findBatch(trx, known.batchId);
    if (
      batch &&
      (batch.status === 'SIGNED' || batch.status === 'BROADCAST' || batch.status === 'CONFIRMED')
    ) {
      ctx.logger.warn(
        { txid: deposit.txid, vout: deposit.vout, batchId: batch.batchId, batchStatus: batch.status },
        'a reversed deposit was confirmed again but a signed transaction spends it: it stays reversed',
      );
      return;
    }
  }
  if (!(await ctx.chain.isUnspent(deposit.txid, deposit.vout))) {
    ctx.logger.warn(
      { txid: deposit.txid, vout: deposit.vout },
      'a reversed deposit was confirmed again but the node does not have its output unspent: it stays reversed',
    );
    return;
  }
  await reinstateCoin(trx, deposit.txid, deposit.vout);
  ctx.logger.warn(
    { txid: deposit.txid, vout: deposit.vout, amountKoinu: amountKoinu.toString() },
    'hot wallet coin back: a reversed deposit is confirmed again and unspent on chain',
  );
}

export async function receiveReversedDeposit(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: DepositReversedPayload,
): Promise<void> {
  const parsed = reversedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(
      `${TOPICS.depositReversed}: ${parsed.error.issues[0]?.message ?? 'bad payload'}`,
    );
  const { txid, vout, reason } = parsed.data;
  const coin = await findCoin(trx, txid, vout);
  if (!coin || coin.status === 'REVERSED') return;
  if (coin.status === 'RESERVED' && coin.batchId) {
    const batch = await findBatch(trx, coin.batchId, true);
    if (batch?.status === 'AWAITING_SIGNATURE') {
      await cancelUnsignedBatch(ctx, trx, batch, `deposit ${txid}:${vout} was reversed (${reason})`);
    } else {
      // Already signed: the stored transaction can no longer confirm; the tracker will see its input
      // gone and fail it through the drop check. Nothing to undo here but the coin itself.
      ctx.logger.error(
        { txid, vout, batchId: coin.batchId, batchStatus: batch?.status },
        'a reversed deposit is spent by a signed withdrawal transaction',
      );
    }
  }
  if (coin.status === 'SPENT') {
    ctx.logger.error(
      { txid, vout, batchId: coin.batchId },
      'a reversed deposit was already spent by a withdrawal transaction',
    );
    return;
  }
  await reverseCoin(trx, txid, vout);
  ctx.logger.warn({ txid, vout, reason }, 'hot wallet coin removed: deposit reversed');
}
