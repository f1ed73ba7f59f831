/**
 * Reads across service schemas, through the reconciler's read-only role: the deposit watcher's
 * deposits and the saga's withdrawals, each beside the wallet's record of the same money, and the
 * saga's hot-wallet coins. Each pair query returns only the pairs on which the two sides may disagree
 * (a superset: in-flight work included), with both sides' whole records and timestamps; the checks in
 * domain/checks judge them. The watcher's and the saga's amounts are BIGINT koinu, the wallet's
 * NUMERIC(20,8) DOGE.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn, koinuFromDecimalColumn } from '@dbay/money';
import type { DepositPair, WatcherDepositStatus } from '../domain/checks/deposit-credited-once.js';
import type { HotWalletCoin } from '../domain/checks/hot-wallet-coin-unspent.js';
import type { WalletWithdrawalStatus, WithdrawalPair } from '../domain/checks/withdrawal-finalized-once.js';
import type { ColdTransferPair } from '../domain/checks/cold-transfer-booked.js';
import type { ColdCoin, CrossServiceReads } from '../ports.js';
import { count, quoted, select, statusFrom, stream, type SchemaNames } from './sql.js';

/**
 * The owner the watcher records for payments to the hot wallet's refill addresses
 * (services/deposit-watcher/src/domain/refills.ts): never a user's deposit, so never credited.
 */
const HOT_WALLET_OWNER = 'platform:hot-wallet';

const WATCHER_STATUSES: readonly WatcherDepositStatus[] = ['pending', 'confirmed', 'reversed'];
const WALLET_WITHDRAWAL_STATUSES: readonly WalletWithdrawalStatus[] = ['REQUESTED', 'FINALIZED', 'FAILED'];

interface DepositRow {
  deposit_key: string;
  credits: string;
  credited_amount: string;
  first_user: string | null;
  last_user: string | null;
  last_credited_at: Date | null;
  watcher_user_id: string | null;
  watcher_amount: string | null;
  watcher_status: string | null;
  confirmed_at: Date | null;
  watcher_updated_at: Date | null;
}

interface WithdrawalRow {
  withdrawal_id: string;
  finalizations: string;
  saga_status: string | null;
  saga_changed_at: Date | null;
  wallet_status: string | null;
  wallet_updated_at: Date | null;
}

export class CrossServiceSource implements CrossServiceReads {
  private readonly w: string;
  private readonly d: string;
  private readonly s: string;

  constructor(
    private readonly knex: Knex,
    schemas: SchemaNames,
  ) {
    this.w = quoted(schemas.wallet);
    this.d = quoted(schemas.depositWatcher);
    this.s = quoted(schemas.withdrawalSaga);
  }

  async databaseNow(): Promise<Date> {
    const [row] = await select<{ now: Date }>(this.knex, 'SELECT clock_timestamp() AS now');
    if (!row) throw new Error('the database did not tell its time');
    return row.now;
  }

  async confirmedDeposits(): Promise<number> {
    const [row] = await select<{ confirmed: string }>(
      this.knex,
      `SELECT COUNT(*) AS confirmed FROM ${this.d}.deposits WHERE status = 'confirmed' AND user_id <> '${HOT_WALLET_OWNER}'`,
    );
    return count(row?.confirmed ?? 0);
  }

  async confirmedWithdrawals(): Promise<number> {
    const [row] = await select<{ confirmed: string }>(
      this.knex,
      `SELECT COUNT(*) AS confirmed FROM ${this.s}.withdrawals WHERE status = 'CONFIRMED'`,
    );
    return count(row?.confirmed ?? 0);
  }

  /**
   * The watcher's deposits against the wallet's DEPOSIT credits (reference 'tx', txid:vout) in one pass:
   * one hash aggregate of the credits, one full join with every watcher row (so each candidate carries
   * its watcher's row in whatever status it is, with no second lookup by the concatenated key). The pairs
   * that come back are those that are not one credit of the confirmed amount to the confirmed user: a
   * confirmed deposit credited otherwise, or credits under a deposit that is not confirmed or unknown.
   */
  async *depositPairs(): AsyncGenerator<DepositPair> {
    const sql = `
      WITH credits AS (
        SELECT reference_id AS deposit_key, COUNT(*) AS credits, SUM(credit) AS amount,
               MIN(user_id::text) AS first_user, MAX(user_id::text) AS last_user, MAX(created_at) AS last_credited_at
        FROM ${this.w}.ledger_entries
        WHERE entry_type = 'DEPOSIT' AND user_id IS NOT NULL AND reference_type = 'tx'
        GROUP BY reference_id)
      SELECT COALESCE(d.txid || ':' || d.vout, c.deposit_key) AS deposit_key,
             COALESCE(c.credits, 0) AS credits, COALESCE(c.amount, 0) AS credited_amount,
             c.first_user, c.last_user, c.last_credited_at,
             d.user_id AS watcher_user_id, d.amount_koinu AS watcher_amount, d.status AS watcher_status,
             d.confirmed_at, d.updated_at AS watcher_updated_at
      FROM (SELECT * FROM ${this.d}.deposits WHERE user_id <> '${HOT_WALLET_OWNER}') d
        FULL OUTER JOIN credits c ON c.deposit_key = d.txid || ':' || d.vout
      -- NUMERIC DOGE times 10^8 against BIGINT koinu is exact; it only narrows the candidates.
      WHERE CASE WHEN d.status = 'confirmed'
                 THEN c.deposit_key IS NULL OR c.credits <> 1 OR c.amount * 100000000 <> d.amount_koinu
                      OR c.first_user <> d.user_id OR c.last_user <> d.user_id
                 ELSE c.deposit_key IS NOT NULL END
      ORDER BY deposit_key`;
    for await (const row of stream<DepositRow>(this.knex, sql)) {
      yield {
        depositKey: row.deposit_key,
        watcher:
          row.watcher_status === null
            ? null
            : {
                userId: row.watcher_user_id!,
                amountKoinu: koinuFromBigintColumn(row.watcher_amount!),
                status: statusFrom(WATCHER_STATUSES, row.watcher_status, 'deposits.status'),
                confirmedAt: row.confirmed_at,
                updatedAt: row.watcher_updated_at!,
              },
        credits: {
          count: count(row.credits),
          amountKoinu: koinuFromDecimalColumn(row.credited_amount),
          firstUserId: row.first_user,
          lastUserId: row.last_user,
          lastCreditedAt: row.last_credited_at,
        },
      };
    }
  }

  /**
   * Withdrawals the saga confirmed against the wallet's finalizations (WITHDRAWAL entries out of the
   * pending bucket): the pairs that are not one finalization of a FINALIZED request for a CONFIRMED
   * withdrawal, each with the saga's and the wallet's rows in whatever status they are.
   */
  async *withdrawalPairs(): AsyncGenerator<WithdrawalPair> {
    const sql = `
      WITH confirmed AS (
        SELECT withdrawal_id FROM ${this.s}.withdrawals WHERE status = 'CONFIRMED'),
      finalized AS (
        SELECT r.id::text AS withdrawal_id, r.status,
               (SELECT COUNT(*) FROM ${this.w}.ledger_entries e
                 WHERE e.entry_type = 'WITHDRAWAL' AND e.reference_type = 'withdrawal'
                   AND e.reference_id = r.id::text AND e.bucket = 'PENDING') AS finalizations
        FROM ${this.w}.withdrawal_requests r WHERE r.status = 'FINALIZED'
           OR EXISTS (SELECT 1 FROM ${this.w}.ledger_entries e WHERE e.entry_type = 'WITHDRAWAL'
                        AND e.reference_type = 'withdrawal' AND e.reference_id = r.id::text)),
      candidates AS (
        SELECT COALESCE(confirmed.withdrawal_id, finalized.withdrawal_id) AS withdrawal_id,
               COALESCE(finalized.finalizations, 0) AS finalizations
        FROM confirmed FULL OUTER JOIN finalized ON finalized.withdrawal_id = confirmed.withdrawal_id
        WHERE confirmed.withdrawal_id IS NULL OR finalized.withdrawal_id IS NULL
           OR finalized.finalizations <> 1 OR finalized.status <> 'FINALIZED')
      SELECT c.withdrawal_id, c.finalizations,
             sw.status AS saga_status, sw.status_changed_at AS saga_changed_at,
             r.status AS wallet_status, r.updated_at AS wallet_updated_at
      FROM candidates c
      LEFT JOIN ${this.s}.withdrawals sw ON sw.withdrawal_id = c.withdrawal_id
      LEFT JOIN ${this.w}.withdrawal_requests r ON r.id::text = c.withdrawal_id
      ORDER BY c.withdrawal_id`;
    for await (const row of stream<WithdrawalRow>(this.knex, sql)) {
      yield {
        withdrawalId: row.withdrawal_id,
        saga:
          row.saga_status === null
            ? null
            : { status: row.saga_status, statusChangedAt: row.saga_changed_at! },
        wallet:
          row.wallet_status === null
            ? null
            : {
                status: statusFrom(
                  WALLET_WITHDRAWAL_STATUSES,
                  row.wallet_status,
                  'withdrawal_requests.status',
                ),
                updatedAt: row.wallet_updated_at!,
              },
        finalizations: count(row.finalizations),
      };
    }
  }

  /**
   * Coins the saga holds as unspent: available, unconfirmed change, and coins reserved by a batch that
   * has not been broadcast. Coins of a broadcast batch are legitimately spent on the node already.
   */
  async *unspentCoins(): AsyncGenerator<HotWalletCoin> {
    const sql = `
      SELECT c.txid, c.vout, c.amount_koinu, c.status FROM ${this.s}.coins c
      LEFT JOIN ${this.s}.batches b ON b.batch_id = c.batch_id
      WHERE c.status IN ('AVAILABLE', 'UNCONFIRMED_CHANGE')
         OR (c.status = 'RESERVED' AND b.status IN ('AWAITING_SIGNATURE', 'SIGNED'))
      ORDER BY c.txid, c.vout`;
    type Row = { txid: string; vout: number; amount_koinu: string; status: string };
    for await (const row of stream<Row>(this.knex, sql)) {
      yield {
        txid: row.txid,
        vout: row.vout,
        amountKoinu: koinuFromBigintColumn(row.amount_koinu),
        status: row.status,
      };
    }
  }

  /** Outputs of broadcast or confirmed sweeps to the cold account. */
  async *coldCoins(): AsyncGenerator<ColdCoin> {
    const sql = `
      SELECT cc.txid, cc.vout, cc.amount_koinu FROM ${this.s}.cold_coins cc
      JOIN ${this.s}.batches b ON b.batch_id = cc.batch_id
      WHERE b.status IN ('BROADCAST', 'CONFIRMED')
      ORDER BY cc.txid, cc.vout`;
    type Row = { txid: string; vout: number; amount_koinu: string };
    for await (const row of stream<Row>(this.knex, sql)) {
      yield { txid: row.txid, vout: row.vout, amountKoinu: koinuFromBigintColumn(row.amount_koinu) };
    }
  }

  /** Requests still pending in the wallet whose withdrawal the saga already broadcast (or confirmed). */
  async inFlightWithdrawalsKoinu(): Promise<bigint> {
    const [row] = await select<{ total: string }>(
      this.knex,
      `SELECT COALESCE(SUM(r.amount + r.network_fee), 0) AS total
       FROM ${this.w}.withdrawal_requests r JOIN ${this.s}.withdrawals sw ON sw.withdrawal_id = r.id::text
       WHERE r.status = 'REQUESTED' AND sw.status IN ('BROADCAST', 'CONFIRMED')`,
    );
    return koinuFromDecimalColumn(row?.total ?? '0');
  }

  /**
   * Every sweep the saga confirmed and every refill it took in, beside the wallet's bookings of them
   * (COLD_STORAGE entries by reference; a sweep's miner fee is the NETWORK_FEES debit in the same ledger
   * transaction). Sweeps and refills are few (one per ceiling crossing, one per refill), so all of them.
   */
  async *coldTransferPairs(): AsyncGenerator<ColdTransferPair> {
    const sql = `
      WITH saga AS (
        SELECT 'SWEEP' AS kind, b.txid AS reference,
               (SELECT SUM(cc.amount_koinu) FROM ${this.s}.cold_coins cc WHERE cc.batch_id = b.batch_id) AS amount_koinu,
               b.fee_koinu AS miner_fee_koinu, b.updated_at AS at
        FROM ${this.s}.batches b WHERE b.purpose = 'SWEEP' AND b.status = 'CONFIRMED'
        UNION ALL
        SELECT 'REFILL', r.txid || ':' || r.vout, r.amount_koinu, 0, r.declared_at FROM ${this.s}.refills r),
      cold AS (
        SELECT e.entry_type AS kind, e.reference_id AS reference, e.transaction_id,
               e.debit + e.credit AS amount, e.created_at
        FROM ${this.w}.ledger_entries e
        WHERE e.platform_account = 'COLD_STORAGE' AND e.entry_type IN ('SWEEP', 'REFILL')),
      wallet AS (
        SELECT c.kind, c.reference, SUM(c.amount) AS amount, COUNT(DISTINCT c.transaction_id) AS transactions,
               MAX(c.created_at) AS at,
               COALESCE((SELECT SUM(f.debit) FROM ${this.w}.ledger_entries f
                         WHERE f.transaction_id IN (SELECT transaction_id FROM cold c2
                                                    WHERE c2.kind = c.kind AND c2.reference = c.reference)
                           AND f.platform_account = 'NETWORK_FEES' AND f.entry_type = 'MINER_FEE'), 0) AS miner_fee
        FROM cold c GROUP BY c.kind, c.reference)
      SELECT COALESCE(saga.kind, wallet.kind) AS kind, COALESCE(saga.reference, wallet.reference) AS reference,
             saga.amount_koinu AS saga_amount, saga.miner_fee_koinu AS saga_fee, saga.at AS saga_at,
             wallet.amount AS wallet_amount, wallet.miner_fee AS wallet_fee, wallet.transactions,
             wallet.at AS wallet_at
      FROM saga FULL OUTER JOIN wallet ON wallet.kind = saga.kind AND wallet.reference = saga.reference
      ORDER BY 1, 2`;
    type Row = {
      kind: string;
      reference: string;
      saga_amount: string | null;
      saga_fee: string | null;
      saga_at: Date | null;
      wallet_amount: string | null;
      wallet_fee: string | null;
      transactions: string | null;
      wallet_at: Date | null;
    };
    for await (const row of stream<Row>(this.knex, sql)) {
      yield {
        kind: statusFrom(['SWEEP', 'REFILL'] as const, row.kind, 'cold transfer kind'),
        reference: row.reference,
        saga:
          row.saga_at === null
            ? null
            : {
                amountKoinu: koinuFromBigintColumn(row.saga_amount ?? '0'),
                minerFeeKoinu: koinuFromBigintColumn(row.saga_fee ?? '0'),
                at: row.saga_at,
              },
        wallet:
          row.wallet_at === null
            ? null
            : {
                amountKoinu: koinuFromDecimalColumn(row.wallet_amount!),
                minerFeeKoinu: koinuFromDecimalColumn(row.wallet_fee!),
                transactions: count(row.transactions!),
                at: row.wallet_at,
              },
      };
    }
  }
}
