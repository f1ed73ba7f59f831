/**
 * Deposit addresses from the account extended public key alone: each user gets m/44'/3'/0'/0/N with N
 * from a Postgres sequence, so N is handed out once and never to two users (the UNIQUE constraints on
 * address_index, address and user_id say so again). Concurrent first requests of one user are
 * serialized by a transaction-scoped advisory lock on the user, so they neither burn indexes nor race;
 * requests of different users never wait on each other.
 */
import type { Knex } from 'knex';
import type { Network } from 'bitcoinjs-lib';
import { deriveAddress, parseAccountXpub } from '@dbay/dogecoin';
import { depositAddressAssigned } from '../domain/index.js';
import { enqueueEvents } from './outbox-writer.js';

export interface DepositAddress {
  userId: string;
  address: string;
  derivationPath: string;
  addressIndex: number;
  createdAt: string;
}

interface DepositAddressRow {
  user_id: string;
  address: string;
  derivation_path: string;
  address_index: string;
  created_at: Date;
}

const fromRow = (row: DepositAddressRow): DepositAddress => ({
  userId: row.user_id,
  address: row.address,
  derivationPath: row.derivation_path,
  addressIndex: Number(row.address_index),
  createdAt: row.created_at.toISOString(),
});

/** Advisory-lock namespace of deposit address assignment (an arbitrary constant of this service). */
const ADDRESS_LOCK_NAMESPACE = 7101;

export class DepositAddressUnavailableError extends Error {
  constructor() {
    super('deposit addresses are not configured (no account xpub)');
    this.name = 'DepositAddressUnavailableError';
  }
}

export class DepositAddresses {
  private accountNode: ReturnType<typeof parseAccountXpub> | undefined;

  /** `readXpub` returns the account xpub or undefined while the signer has not produced one yet. */
  constructor(
    private readonly knex: Knex,
    private readonly network: Network,
    private readonly readXpub: () => string | undefined,
  ) {}

  private account(): ReturnType<typeof parseAccountXpub> {
    if (!this.accountNode) {
      const xpub = this.readXpub();
      if (!xpub) throw new DepositAddressUnavailableError();
      this.accountNode = parseAccountXpub(xpub, this.network);
    }
    return this.accountNode;
  }

  async find(userId: string): Promise<DepositAddress | undefined> {
    const row = await this.knex<DepositAddressRow>('deposit_addresses').where({ user_id: userId }).first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Returns the user's address, assigning one on first call. `created` says whether this call assigned
   * it, in which case the same transaction created the user's (empty) wallet and queued
   * deposit-address.assigned for the deposit watcher.
   */
  async assign(
    userId: string,
    correlationId: string,
  ): Promise<{ address: DepositAddress; created: boolean }> {
    const existing = await this.find(userId);
    if (existing) return { address: existing, created: false };
    const account = this.account();
    return this.knex.transaction(async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [ADDRESS_LOCK_NAMESPACE, userId]);
      const raced = await trx<DepositAddressRow>('deposit_addresses').where({ user_id: userId }).first();
      if (raced) return { address: fromRow(raced), created: false };
      const sequence = await trx.raw<{ rows: { n: string }[] }>(
        `SELECT nextval('deposit_address_index_seq') AS n`,
      );
      const addressIndex = Number(sequence.rows[0]!.n);
      const derived = deriveAddress(account, 'receive', addressIndex, this.network);
      const [row] = (await trx('deposit_addresses')
        .insert({
          user_id: userId,
          address: derived.address,
          derivation_path: derived.path,
          address_index: addressIndex,
        })
        .returning('*')) as DepositAddressRow[];
      await trx.raw('INSERT INTO wallet_balances (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING', [
        userId,
      ]);
      const event = depositAddressAssigned(userId, derived.address, derived.path, addressIndex);
      await enqueueEvents(trx, [{ ...event, correlationId, causationId: null }], new Date());
      return { address: fromRow(row!), created: true };
    });
  }
}
