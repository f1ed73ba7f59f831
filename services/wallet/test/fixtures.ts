/** Shared builders for the wallet's pure unit tests. */
import { randomUUID } from 'node:crypto';
import { regtest } from '@dbay/dogecoin';
import {
  applyDecision,
  decide,
  emptyBook,
  type Book,
  type Command,
  type Decision,
  type DecisionContext,
  type WalletPolicy,
} from '../src/domain/index.js';

export const policy: WalletPolicy = {
  network: regtest,
  withdrawalMinimumKoinu: 100_000_000n,
  withdrawalNetworkFeeKoinu: 1_000_000n,
};

export const DOGE = 100_000_000n;
/** A valid regtest P2PKH address (m/44'/3'/0'/0/0 of the BIP39 test mnemonic "abandon ... about"). */
export const REGTEST_ADDRESS = 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi';

export function context(): DecisionContext {
  return { now: '2026-11-24T12:00:00.000Z', commandId: randomUUID(), policy };
}

/** A book with the platform accounts and the given wallets (available only). */
export function bookWith(wallets: Record<string, bigint>): Book {
  const book = emptyBook();
  for (const code of ['CHAIN_CLEARING', 'MARKETPLACE_FEES', 'NETWORK_FEES'] as const) {
    book.platformAccounts.set(code, { code, balanceKoinu: 0n, version: 0 });
  }
  for (const [userId, availableKoinu] of Object.entries(wallets)) {
    book.wallets.set(userId, { userId, availableKoinu, lockedKoinu: 0n, pendingKoinu: 0n, version: 0 });
  }
  // Keep CHAIN_CLEARING the mirror of what the wallets were given, so the book sums to zero.
  const total = Object.values(wallets).reduce((sum, value) => sum + value, 0n);
  book.platformAccounts.get('CHAIN_CLEARING')!.balanceKoinu = -total;
  return book;
}

/** Decides and, when accepted, applies: the executor's loop for one command. */
export function run(book: Book, command: Command): Decision & { applied?: ReturnType<typeof applyDecision> } {
  const decision = decide(book, command, context());
  if (!decision.ok) return decision;
  return { ...decision, applied: applyDecision(book, decision) };
}

/** Sum of every account (users' three buckets and the platform accounts): zero in a double-entry book. */
export function bookSum(book: Book): bigint {
  let sum = 0n;
  for (const wallet of book.wallets.values())
    sum += wallet.availableKoinu + wallet.lockedKoinu + wallet.pendingKoinu;
  for (const account of book.platformAccounts.values()) sum += account.balanceKoinu;
  return sum;
}
