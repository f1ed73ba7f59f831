/**
 * The wallet's answers about bid locks, applied in the consumer's inbox transaction: a release done, a
 * winner's lock converted into its order's escrow, or a command the wallet refused. The wallet keeps one
 * lock per bidder and auction, so its answers name the bidder and the auction, not a bid.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { databaseNow } from '../adapters/db/clock.js';
import { moveLockState } from '../adapters/db/bids.js';

/**
 * Refusals of an unlock that mean the released bid holds nothing: no lock, or one a later bid of the same
 * bidder (a raise) holds now. The release has nothing left to do.
 */
const NOTHING_LOCKED = new Set([
  'WALLET_BID_LOCK_NOT_FOUND',
  'WALLET_BID_LOCK_WRONG_STATE',
  'WALLET_BID_LOCK_SUPERSEDED',
]);

export async function onBidUnlocked(
  trx: Knex.Transaction,
  lock: { auctionId: string; bidderId: string },
): Promise<void> {
  await moveLockState(trx, lock, ['RELEASE_REQUESTED'], 'RELEASED', await databaseNow(trx));
}

export async function onBidConverted(
  trx: Knex.Transaction,
  lock: { auctionId: string; bidderId: string },
): Promise<void> {
  await moveLockState(trx, lock, ['CONVERT_REQUESTED'], 'CONVERTED', await databaseNow(trx));
}

export async function onBidCommandFailed(
  trx: Knex.Transaction,
  failure: { auctionId: string; bidderId: string; command: string; reasonCode: string },
  logger: Logger,
): Promise<void> {
  if (failure.command === 'UNLOCK' && NOTHING_LOCKED.has(failure.reasonCode)) {
    await moveLockState(trx, failure, ['RELEASE_REQUESTED'], 'RELEASED', await databaseNow(trx));
    return;
  }
  // A conversion the wallet refused leaves a won auction without its escrow: the reconciler reports it,
  // and an operator decides. Nothing here can fix it.
  logger.error(failure, 'The wallet refused a bid command; the auction needs an operator');
}
