/**
 * Transaction-scoped advisory locks of the saga. One serialises fraud decisions, so the platform's
 * window total the rules read is exact; one serialises batch building, so two builders never plan with
 * the same coins. Both are released when the caller's transaction ends.
 */
import type { Knex } from 'knex';

const FRAUD_LOCK_KEY = 7_104_001;
const BATCH_LOCK_KEY = 7_104_002;

export async function lockFraudDecisions(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [FRAUD_LOCK_KEY]);
}

export async function lockBatchBuilding(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [BATCH_LOCK_KEY]);
}
