/**
 * Sweeps confirmed and refills taken in before the saga reported them to the wallet (hot-wallet.swept
 * and hot-wallet.refilled, 2026-12-07) were never booked between hot and cold. This puts the report of
 * each into the outbox once, exactly as the saga writes it today, so the wallet books them and the
 * reconciler's cold-transfer-booked agrees. The wallet keys each booking by the transfer (sweep:<txid>,
 * refill:<txid>:<vout>), so a transfer it has booked already is a replay that changes nothing.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    INSERT INTO ${SCHEMA}.outbox (event_id, topic, message_key, payload, correlation_id, occurred_at)
    SELECT gen_random_uuid(), 'hot-wallet.swept', b.txid,
           jsonb_build_object(
             'txid', b.txid,
             'batchId', b.batch_id::text,
             'sweptKoinu', cold.swept::text,
             'minerFeeKoinu', b.fee_koinu::text,
             'coldOutputs', cold.outputs,
             'blockHash', b.block_hash,
             'blockHeight', b.block_height,
             'confirmations', b.confirmations),
           b.correlation_id, now()
    FROM ${SCHEMA}.batches b
    CROSS JOIN LATERAL (
      SELECT SUM(cc.amount_koinu) AS swept,
             jsonb_agg(cc.txid || ':' || cc.vout ORDER BY cc.vout) AS outputs
      FROM ${SCHEMA}.cold_coins cc WHERE cc.batch_id = b.batch_id) cold
    WHERE b.purpose = 'SWEEP' AND b.status = 'CONFIRMED' AND cold.swept IS NOT NULL`);
  await knex.raw(`
    INSERT INTO ${SCHEMA}.outbox (event_id, topic, message_key, payload, correlation_id, occurred_at)
    SELECT gen_random_uuid(), 'hot-wallet.refilled', r.txid,
           jsonb_build_object(
             'txid', r.txid,
             'vout', r.vout,
             'amountKoinu', r.amount_koinu::text,
             'address', r.address,
             'declaredBy', r.declared_by),
           gen_random_uuid()::text, now()
    FROM ${SCHEMA}.refills r`);
}

export async function down(): Promise<void> {
  // Reports once sent cannot be taken back; the wallet's bookings stand.
}
