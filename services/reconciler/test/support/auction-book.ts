// Builders of auction books for the unit specs of the auction checks: one auction, its bidders' bids and
// the wallet's locks, each side stamped with the time the spec chooses.
import type {
  AuctionBook,
  AuctionSide,
  BidLockState,
  BidOutcome,
  BidSide,
  WalletBidLock,
  WalletBidLockStatus,
} from '../../src/domain/checks/auction-book.js';
import { HOUR_AGO } from './grace.js';

export const AUCTION = '00000000-0000-4000-8000-0000000000ac';
export const ORDER = '00000000-0000-4000-8000-00000000000d';
export const ALICE = '00000000-0000-4000-8000-00000000a11c';
export const BOB = '00000000-0000-4000-8000-0000000000b0';
export const CAROL = '00000000-0000-4000-8000-0000000000c0';

let bidCounter = 0;

export function bid(
  bidderId: string,
  maxKoinu: bigint,
  outcome: BidOutcome,
  lockState: BidLockState,
  updatedAt: Date = HOUR_AGO,
): BidSide {
  bidCounter += 1;
  const bidId = `00000000-0000-4000-8000-${bidCounter.toString().padStart(12, '0')}`;
  return { bidId, bidderId, maxKoinu, outcome, lockState, updatedAt };
}

export function lock(
  bidderId: string,
  amountKoinu: bigint,
  updatedAt: Date = HOUR_AGO,
  status: WalletBidLockStatus = 'ACTIVE',
  orderId: string | null = null,
): WalletBidLock {
  return { bidderId, amountKoinu, status, orderId, updatedAt };
}

export function openAuction(leader: { bidderId: string; maxKoinu: bigint } | null): AuctionSide {
  return { status: 'OPEN', leader, sale: null, orderId: null, updatedAt: HOUR_AGO };
}

export function book(auction: AuctionSide | null, locks: WalletBidLock[], bids: BidSide[]): AuctionBook {
  return { auctionId: AUCTION, auction, locks, bids, order: null, escrow: null };
}
