/** The order service's domain errors; only the HTTP entry point maps them to statuses (error-table.ts). */
import type { AuctionErrorCode } from './auction/index.js';

export type OrderErrorCode =
  | AuctionErrorCode
  | 'AUCTION_NOT_FOUND'
  | 'AUCTION_BUY_NOW_PENDING'
  | 'AUCTION_BID_IN_PROGRESS'
  | 'AUCTION_INSUFFICIENT_FUNDS'
  | 'AUCTION_BID_INTERRUPTED'
  | 'AUCTION_WALLET_UNAVAILABLE'
  | 'LISTING_NOT_FOUND'
  | 'LISTING_NOT_AVAILABLE'
  | 'LISTING_NOT_SELLER'
  | 'LISTING_WRONG_STATE'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_OWN_LISTING'
  | 'ORDER_NOT_BUYER'
  | 'ORDER_NOT_SELLER'
  | 'ORDER_WRONG_STATE'
  | 'ORDER_ESCROW_PENDING'
  | 'ORDER_DISPUTE_NOT_FROZEN'
  | 'ORDER_SPLIT_INVALID';

export interface OrderError {
  code: OrderErrorCode;
  message: string;
}

export function orderError(code: OrderErrorCode, message: string): OrderError {
  return { code, message };
}
