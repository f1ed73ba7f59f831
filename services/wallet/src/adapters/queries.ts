/**
 * Read models for the HTTP API: plain SELECTs without locks (a balance read is a snapshot; every
 * change goes through the executor). Every query takes the owner's user id, so a user's request can
 * only ever read rows of that user.
 */
import type { Knex } from 'knex';
import { koinuFromDecimalColumn } from '@dbay/money';
import type { Deposit, Escrow, Wallet, Withdrawal, WithdrawalStep } from '../domain/index.js';
import { stepsOfWithdrawals } from './withdrawal-steps.js';
import {
  depositFromRow,
  escrowFromRow,
  walletFromRow,
  withdrawalFromRow,
  type DepositRow,
  type EscrowRow,
  type WalletRow,
  type WithdrawalRow,
} from './rows.js';

export interface LedgerEntryView {
  seq: string;
  entryId: string;
  transactionId: string;
  entryType: string;
  bucket: string;
  debitKoinu: bigint;
  creditKoinu: bigint;
  balanceAfterKoinu: bigint;
  referenceType: string;
  referenceId: string;
  createdAt: string;
}

interface LedgerRow {
  seq: string;
  id: string;
  transaction_id: string;
  entry_type: string;
  bucket: string;
  debit: string;
  credit: string;
  balance_after: string;
  reference_type: string;
  reference_id: string;
  created_at: Date;
}

export class WalletQueries {
  constructor(private readonly knex: Knex) {}

  async wallet(userId: string): Promise<Wallet | undefined> {
    const row = await this.knex<WalletRow>('wallet_balances')
      .select('user_id', 'available', 'locked', 'pending', 'version')
      .where({ user_id: userId })
      .first();
    return row ? walletFromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` is the cursor from the previous page. */
  async ledger(userId: string, limit: number, beforeSeq: string | undefined): Promise<LedgerEntryView[]> {
    const found = (
      await this.knex.raw<{ rows: LedgerRow[] }>(
        `SELECT seq, id, transaction_id, entry_type, bucket, debit, credit, balance_after, reference_type,
                reference_id, created_at
           FROM ledger_entries WHERE user_id = ? AND (?::bigint IS NULL OR seq < ?::bigint)
          ORDER BY seq DESC LIMIT ?`,
        [userId, beforeSeq ?? null, beforeSeq ?? null, limit],
      )
    ).rows;
    return found.map((row) => ({
      seq: row.seq,
      entryId: row.id,
      transactionId: row.transaction_id,
      entryType: row.entry_type,
      bucket: row.bucket,
      debitKoinu: koinuFromDecimalColumn(row.debit),
      creditKoinu: koinuFromDecimalColumn(row.credit),
      balanceAfterKoinu: koinuFromDecimalColumn(row.balance_after),
      referenceType: row.reference_type,
      referenceId: row.reference_id,
      createdAt: row.created_at.toISOString(),
    }));
  }

  async withdrawal(userId: string, withdrawalId: string): Promise<Withdrawal | undefined> {
    const row = await this.knex<WithdrawalRow>('withdrawal_requests')
      .where({ id: withdrawalId, user_id: userId })
      .first();
    return row ? withdrawalFromRow(row) : undefined;
  }

  /**
   * A user's withdrawals, newest first, after the cursor `before` (the id of the last one of the previous
   * page: keyset paging on (requested_at, id), so a page is stable while new ones arrive). A cursor that
   * is not one of this user's withdrawals gives an empty page.
   */
  async withdrawals(userId: string, limit: number, before?: string): Promise<Withdrawal[]> {
    const query = this.knex<WithdrawalRow>('withdrawal_requests')
      .where({ user_id: userId })
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (before !== undefined) {
      void query.whereRaw(
        `(requested_at, id) < (SELECT c.requested_at, c.id FROM withdrawal_requests c WHERE c.id = ? AND c.user_id = ?)`,
        [before, userId],
      );
    }
    const found = await query;
    return found.map(withdrawalFromRow);
  }

  /** What the saga reported about the given withdrawals (the caller read them for their owner). */
  async withdrawalSteps(withdrawals: readonly Withdrawal[]): Promise<WithdrawalStep[]> {
    return stepsOfWithdrawals(
      this.knex,
      withdrawals.map((withdrawal) => withdrawal.id),
    );
  }

  async deposits(userId: string, limit: number): Promise<Deposit[]> {
    const found = await this.knex<DepositRow>('deposits')
      .where({ user_id: userId })
      .orderBy('detected_at', 'desc')
      .limit(limit);
    return found.map(depositFromRow);
  }

  async escrow(orderId: string): Promise<Escrow | undefined> {
    const row = await this.knex<EscrowRow>('escrow').where({ order_id: orderId }).first();
    return row ? escrowFromRow(row) : undefined;
  }
}
