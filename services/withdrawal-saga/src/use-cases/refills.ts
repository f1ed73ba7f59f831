/**
 * Refills from cold (the floor's alert issues the address: hot-cold.ts). Cold keys are offline, so a
 * refill is a transfer a person makes outside the platform. The deposit watcher watches the address and
 * reports the transfer once confirmed (hot-wallet.refill-received), and a person may also declare it
 * here, by name; whichever comes first is recorded. Either way the saga takes it into the hot wallet
 * only if the node has the output unspent with REQUIRED_CONFIRMATIONS, paying an address it issued for
 * refills, and only once. The coin is a hot-wallet coin like any other
 * (source REFILL), so the reconciler counts it with the hot coins; the cold coins it came from stop
 * counting as they are spent on chain. hot-wallet.refilled, in the same transaction, has the wallet
 * book it from cold to hot.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import { addCoin, savePreviousTransaction } from '../adapters/db/coins.js';
import { SCHEMA } from '../adapters/db/schema.js';
import { scriptHexForAddress } from '../adapters/psbt.js';
import { refilledEvent } from './events.js';
import type { SagaContext } from './ports.js';

export interface Refill {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  address: string;
  declaredBy: string;
  note: string | null;
  declaredAt: Date;
}

export type RefillResult =
  | { ok: true; refill: Refill; created: boolean }
  | {
      ok: false;
      code:
        | 'HOT_WALLET_REFILL_NOT_FOUND'
        | 'HOT_WALLET_REFILL_UNCONFIRMED'
        | 'HOT_WALLET_REFILL_NOT_OURS'
        | 'HOT_WALLET_REFILL_ALREADY_A_COIN';
      message: string;
    };

interface RefillRow {
  txid: string;
  vout: number;
  amount_koinu: string;
  address: string;
  declared_by: string;
  note: string | null;
  declared_at: Date;
}

const toRefill = (row: RefillRow): Refill => ({
  txid: row.txid,
  vout: row.vout,
  amountKoinu: koinuFromBigintColumn(row.amount_koinu),
  address: row.address,
  declaredBy: row.declared_by,
  note: row.note,
  declaredAt: row.declared_at,
});

/** Reports the saga refused, kept to be checked again (receiveSeenRefill). */
const PENDING = `${SCHEMA}.refill_reports_pending`;

/** Issues a fresh refill address of our change chain and remembers it. */
export async function issueRefillAddress(
  trx: Knex.Transaction,
  destination: { address: string; derivationPath: string },
): Promise<void> {
  await trx(`${SCHEMA}.refill_addresses`).insert({
    address: destination.address,
    derivation_path: destination.derivationPath,
  });
}

type Refusal = Extract<RefillResult, { ok: false }>;

/** What the node says of the output, checked: a refill to take in, or why not. */
type Checked =
  { ok: true; valueKoinu: bigint; rawHex: string; address: string; derivationPath: string } | Refusal;

/** The node's view of the output: unspent, REQUIRED_CONFIRMATIONS deep, paying an issued refill address. */
async function checkOnNode(ctx: SagaContext, txid: string, vout: number): Promise<Checked> {
  const out = await ctx.chain.txOut(txid, vout);
  if (out === null)
    return {
      ok: false,
      code: 'HOT_WALLET_REFILL_NOT_FOUND',
      message: `the node has no unspent output ${txid}:${vout}`,
    };
  if (out.confirmations < ctx.policy.requiredConfirmations)
    return {
      ok: false,
      code: 'HOT_WALLET_REFILL_UNCONFIRMED',
      message: `${txid}:${vout} has ${out.confirmations} confirmations; ${ctx.policy.requiredConfirmations} are needed`,
    };
  const addresses = await ctx
    .db(`${SCHEMA}.refill_addresses`)
    .select<{ address: string; derivation_path: string }[]>('address', 'derivation_path');
  const issued = addresses.find(
    (row) => scriptHexForAddress(row.address, ctx.network) === out.scriptPubKeyHex,
  );
  if (!issued)
    return {
      ok: false,
      code: 'HOT_WALLET_REFILL_NOT_OURS',
      message: `${txid}:${vout} does not pay an address the saga issued for refills`,
    };
  const rawHex = await ctx.chain.rawTransactionHex(txid);
  if (rawHex === undefined)
    return {
      ok: false,
      code: 'HOT_WALLET_REFILL_NOT_FOUND',
      message: `the node does not know transaction ${txid}`,
    };
  return {
    ok: true,
    valueKoinu: out.valueKoinu,
    rawHex,
    address: issued.address,
    derivationPath: issued.derivation_path,
  };
}

/**
 * Takes a checked refill in, in `trx`: the coin, the refills row (who recorded it), and
 * hot-wallet.refilled for the wallet's books. The same output recorded before answers with that record.
 */
async function recordRefill(
  ctx: SagaContext,
  trx: Knex.Transaction,
  outpoint: { txid: string; vout: number; note: string | null },
  checked: Extract<Checked, { ok: true }>,
  recordedBy: string,
): Promise<RefillResult> {
  const { txid, vout } = outpoint;
  // A report of it kept earlier is locked first: every path that records a refill locks the pending row
  // before the coin (recheckRefillReports locks it first too), so two of them never wait on each other in
  // turn. It is deleted once the output is a refill, and kept when this is refused after all.
  await trx(PENDING).where({ txid, vout }).forUpdate().first('txid');
  const answered = () => trx(PENDING).where({ txid, vout }).delete();
  const again = await trx(`${SCHEMA}.refills`)
    .where({ txid, vout })
    .forUpdate()
    .first<RefillRow | undefined>();
  if (again) {
    await answered();
    return { ok: true, refill: toRefill(again), created: false };
  }
  await savePreviousTransaction(trx, txid, checked.rawHex);
  const added = await addCoin(trx, {
    txid,
    vout,
    amountKoinu: checked.valueKoinu,
    address: checked.address,
    derivationPath: checked.derivationPath,
    source: 'REFILL',
    status: 'AVAILABLE',
    createdByBatchId: null,
    sourceEventId: null,
  });
  if (!added) {
    // A declaration of the same output at the same moment committed first (the coin's insert waited
    // for it): answer with it; otherwise the output is a coin of another kind.
    const first = await trx(`${SCHEMA}.refills`).where({ txid, vout }).first<RefillRow | undefined>();
    if (first) {
      await answered();
      return { ok: true, refill: toRefill(first), created: false };
    }
    return {
      ok: false,
      code: 'HOT_WALLET_REFILL_ALREADY_A_COIN',
      message: `${txid}:${vout} is already a hot-wallet coin`,
    };
  }
  const [row] = await trx(`${SCHEMA}.refills`)
    .insert({
      txid,
      vout,
      amount_koinu: checked.valueKoinu.toString(),
      address: checked.address,
      declared_by: recordedBy,
      note: outpoint.note,
    })
    .returning<RefillRow[]>('*');
  const refill = toRefill(row!);
  await answered();
  // The wallet books it from cold to hot (COLD_STORAGE -> CHAIN_CLEARING), in this transaction's outbox.
  await ctx.publish(trx, refilledEvent(refill, ctx.newId()));
  ctx.logger.warn(
    { txid, vout, amountKoinu: checked.valueKoinu.toString(), address: checked.address, recordedBy },
    'hot wallet refilled from cold',
  );
  return { ok: true, refill, created: true };
}

/** An operator declares a refill by name (POST /internal/hot-wallet/refills). */
export async function declareRefill(
  ctx: SagaContext,
  outpoint: { txid: string; vout: number; note: string | null },
  operator: string,
): Promise<RefillResult> {
  const { txid, vout } = outpoint;
  const declared = await ctx.db(`${SCHEMA}.refills`).where({ txid, vout }).first<RefillRow | undefined>();
  if (declared) return { ok: true, refill: toRefill(declared), created: false };
  const checked = await checkOnNode(ctx, txid, vout);
  if (!checked.ok) return checked;
  return ctx.db.transaction((trx) => recordRefill(ctx, trx, outpoint, checked, operator));
}

/** Who recorded a refill the deposit watcher saw: a service, not a person. */
export const SEEN_BY_WATCHER = 'service:deposit-watcher';

/**
 * hot-wallet.refill-received: the deposit watcher saw the transfer to a refill address confirmed. The
 * saga checks it on the node as it checks a declaration and takes it in, in the consumer's
 * transaction. A refusal is not dead-lettered: the watcher counts depth by DEPOSIT_CONFIRMATIONS on its
 * node, the saga by REQUIRED_CONFIRMATIONS on its own, and the two may disagree for a while. The report
 * is kept (refill_reports_pending, an ALERT log line) and checked again by recheckRefillReports until the
 * refill is recorded.
 */
export async function receiveSeenRefill(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: { txid: string; vout: number },
): Promise<void> {
  const outpoint = { txid: payload.txid.toLowerCase(), vout: payload.vout, note: null };
  // Recorded already (an operator's declaration, or this report delivered again): the coin may be spent
  // by now, so the node is not asked.
  const recorded = await trx(`${SCHEMA}.refills`)
    .where({ txid: outpoint.txid, vout: outpoint.vout })
    .first<RefillRow | undefined>();
  if (recorded) return;
  const checked = await checkOnNode(ctx, outpoint.txid, outpoint.vout);
  const result = checked.ok ? await recordRefill(ctx, trx, outpoint, checked, SEEN_BY_WATCHER) : checked;
  if (!result.ok) await keepRefused(ctx, trx, outpoint, SEEN_BY_WATCHER, result);
}

/** A reported refill the saga has not taken in yet, and why (the last check's refusal). */
export interface PendingRefillReport {
  txid: string;
  vout: number;
  reportedBy: string;
  reportedAt: Date;
  checkedAt: Date;
  checks: number;
  code: Refusal['code'];
  reason: string;
}

interface PendingRow {
  txid: string;
  vout: number;
  reported_by: string;
  reported_at: Date;
  checked_at: Date;
  checks: number;
  code: Refusal['code'];
  reason: string;
}

/** A pending report is checked on the node again at most this often. */
export const REFILL_RECHECK_AFTER_MS = 15_000;

/** Keeps a refused report (or counts another refusal of it) and raises the alarm, in `trx`. */
async function keepRefused(
  ctx: SagaContext,
  trx: Knex.Transaction,
  outpoint: { txid: string; vout: number },
  reportedBy: string,
  refusal: Refusal,
): Promise<void> {
  const { txid, vout } = outpoint;
  // Recorded meanwhile (a declaration that committed after this report's first look): nothing to keep.
  if (await trx(`${SCHEMA}.refills`).where({ txid, vout }).first('txid')) return;
  const before = await trx(PENDING).where({ txid, vout }).forUpdate().first<PendingRow | undefined>();
  await trx(PENDING)
    .insert({ txid, vout, reported_by: reportedBy, code: refusal.code, reason: refusal.message })
    .onConflict(['txid', 'vout'])
    .merge({
      code: refusal.code,
      reason: refusal.message,
      checked_at: trx.fn.now(),
      checks: trx.raw('refill_reports_pending.checks + 1'),
    });
  const fields = { txid, vout, code: refusal.code, reason: refusal.message, reportedBy };
  // The alarm once per refusal code; a check that changes nothing is a debug line (the gauge stays up).
  if (before?.code === refusal.code)
    ctx.logger.debug({ ...fields, checks: before.checks + 1 }, 'a pending refill report is still refused');
  else
    ctx.logger.error(
      fields,
      'ALERT: a reported refill from cold is not taken in yet: the saga checks it again, and an operator may declare it',
    );
}

/** The reports waiting to be taken in, oldest first. */
export async function pendingRefillReports(db: Knex): Promise<PendingRefillReport[]> {
  const rows = await db(PENDING).orderBy([{ column: 'reported_at' }, { column: 'txid' }, { column: 'vout' }]);
  return (rows as PendingRow[]).map((row) => ({
    txid: row.txid,
    vout: row.vout,
    reportedBy: row.reported_by,
    reportedAt: row.reported_at,
    checkedAt: row.checked_at,
    checks: row.checks,
    code: row.code,
    reason: row.reason,
  }));
}

/**
 * Checks the pending reports due again on the node, one transaction each: the report's row locked (gone:
 * recorded meanwhile), then taken in as the watcher saw it, or its refusal counted. A refill an operator
 * declared meanwhile only clears the report. Returns how many reports are still pending.
 */
export async function recheckRefillReports(ctx: SagaContext): Promise<number> {
  const due = await ctx
    .db(PENDING)
    .where(
      'checked_at',
      '<=',
      ctx.db.raw('now() - make_interval(secs => ?)', [REFILL_RECHECK_AFTER_MS / 1000]),
    )
    .orderBy('reported_at')
    .limit(100)
    .select<Pick<PendingRow, 'txid' | 'vout'>[]>('txid', 'vout');
  for (const { txid, vout } of due) {
    try {
      const recorded = await ctx.db(`${SCHEMA}.refills`).where({ txid, vout }).first<RefillRow | undefined>();
      // Recorded already: the coin may be spent by now, so the node is not asked.
      const checked = recorded ? null : await checkOnNode(ctx, txid, vout);
      await ctx.db.transaction(async (trx) => {
        const report = await trx(PENDING).where({ txid, vout }).forUpdate().first<PendingRow | undefined>();
        if (!report) return;
        if (checked === null) {
          await trx(PENDING).where({ txid, vout }).delete();
          return;
        }
        const outpoint = { txid, vout, note: null };
        const result = checked.ok
          ? await recordRefill(ctx, trx, outpoint, checked, report.reported_by)
          : checked;
        if (!result.ok) await keepRefused(ctx, trx, outpoint, report.reported_by, result);
      });
    } catch (error) {
      // One report the node or the database cannot answer now does not hold up the others.
      ctx.logger.error({ err: error, txid, vout }, 'a pending refill report could not be checked; next tick');
    }
  }
  const [row] = await ctx.db(PENDING).count<{ count: string }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}
