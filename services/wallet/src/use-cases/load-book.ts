/**
 * Loading a batch's book: everything its commands may read or change, row-locked in the global lock
 * order (escrows, bid locks, withdrawals, deposits, wallets, platform accounts; the owners of the
 * deposit addresses named are read, not locked, as an assignment never changes), plus what the database
 * held before the batch changed anything (versions for the version guard, and which aggregates exist,
 * so the write knows what to insert and what to update).
 */
import {
  bidLockKey,
  depositKey,
  emptyBook,
  footprintOf,
  type Book,
  type Command,
  type PlatformAccountCode,
} from '../domain/index.js';
import type { LedgerStore } from './ports.js';

export interface LoadedBook {
  book: Book;
  walletVersions: Map<string, number>;
  platformVersions: Map<PlatformAccountCode, number>;
  existing: { escrows: Set<string>; bidLocks: Set<string>; withdrawals: Set<string>; deposits: Set<string> };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

export async function loadAndLock(store: LedgerStore, commands: Command[]): Promise<LoadedBook> {
  const footprints = commands.map(footprintOf);
  const escrows = await store.lockEscrows(unique(footprints.flatMap((f) => f.escrowOrderIds)));
  const bidLockKeys = new Map(
    footprints.flatMap((f) => f.bidLocks).map((k) => [bidLockKey(k.auctionId, k.userId), k]),
  );
  const bidLocks = await store.lockBidLocks([...bidLockKeys.values()]);
  const withdrawals = await store.lockWithdrawals(unique(footprints.flatMap((f) => f.withdrawalIds)));
  const depositKeys = new Map(
    footprints.flatMap((f) => f.deposits).map((k) => [depositKey(k.txid, k.vout), k]),
  );
  const deposits = await store.lockDeposits([...depositKeys.values()]);
  const addresses = unique(footprints.flatMap((f) => f.depositAddresses));
  const addressOwners = addresses.length > 0 ? await store.depositAddressOwners(addresses) : [];
  // An escrow's parties and a withdrawal's owner are wallets too, known only once those rows are read.
  const wallets = await store.lockWallets(
    unique([
      ...footprints.flatMap((f) => f.userIds),
      ...escrows.flatMap((e) => [e.buyerId, e.sellerId]),
      ...withdrawals.map((w) => w.userId),
    ]),
  );
  const platformAccounts = await store.lockPlatformAccounts(
    unique(footprints.flatMap((f) => f.platformAccounts)),
  );

  const book = emptyBook();
  for (const wallet of wallets) book.wallets.set(wallet.userId, wallet);
  for (const account of platformAccounts) book.platformAccounts.set(account.code, account);
  for (const escrow of escrows) book.escrows.set(escrow.orderId, escrow);
  for (const lock of bidLocks) book.bidLocks.set(bidLockKey(lock.auctionId, lock.userId), lock);
  for (const withdrawal of withdrawals) book.withdrawals.set(withdrawal.id, withdrawal);
  for (const deposit of deposits) book.deposits.set(depositKey(deposit.txid, deposit.vout), deposit);
  for (const { address, userId } of addressOwners) book.depositAddressOwners.set(address, userId);
  return {
    book,
    walletVersions: new Map(wallets.map((w) => [w.userId, w.version])),
    platformVersions: new Map(platformAccounts.map((a) => [a.code, a.version])),
    existing: {
      escrows: new Set(book.escrows.keys()),
      bidLocks: new Set(book.bidLocks.keys()),
      withdrawals: new Set(book.withdrawals.keys()),
      deposits: new Set(book.deposits.keys()),
    },
  };
}
