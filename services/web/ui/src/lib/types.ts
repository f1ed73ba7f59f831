/**
 * The shapes the pages read, as the services present them (services/wallet and services/order,
 * src/entrypoints/http/present.ts). Amounts are DOGE decimal strings; parse them with money.ts.
 */

export type NetworkName = 'regtest' | 'testnet' | 'mainnet';

/** GET /config.json, served by services/web. */
export interface WebConfig {
  network: NetworkName;
  devLogin: boolean;
  confirmationsRequired: number;
}

export interface DevLogin {
  token: string;
  userId: string;
  name: string;
  expiresAt: string;
}

export interface Balance {
  userId: string;
  available: string;
  locked: string;
  pending: string;
  total: string;
  version: number;
}

export type EntryType =
  | 'DEPOSIT'
  | 'WITHDRAWAL_HOLD'
  | 'WITHDRAWAL'
  | 'WITHDRAWAL_RELEASE'
  | 'NETWORK_FEE'
  | 'MINER_FEE'
  | 'BID_LOCK'
  | 'BID_UNLOCK'
  | 'ESCROW_LOCK'
  | 'ESCROW_RELEASE'
  | 'SALE'
  | 'FEE'
  | 'ESCROW_REFUND';

export interface LedgerEntry {
  entryId: string;
  transactionId: string;
  /** An EntryType; kept open so a type the wallet adds later still shows. */
  entryType: string;
  bucket: string;
  debit: string;
  credit: string;
  balanceAfter: string;
  referenceType: string | null;
  referenceId: string | null;
  createdAt: string;
}

export interface LedgerPage {
  entries: LedgerEntry[];
  nextCursor: string | null;
}

export type DepositStatus = 'INCOMING' | 'CREDITED' | 'REVERSED';

export interface Deposit {
  txid: string;
  vout: number;
  address: string;
  amount: string;
  confirmations: number;
  status: DepositStatus;
  blockHash: string | null;
  blockHeight: number | null;
  flaggedForReview: boolean;
  detectedAt: string;
  creditedAt: string | null;
}

export interface DepositList {
  requiredConfirmations: number;
  deposits: Deposit[];
}

export interface DepositAddress {
  address: string;
  derivationPath: string;
  assignedAt: string;
}

export type WithdrawalStatus = 'REQUESTED' | 'FINALIZED' | 'FAILED';

/** A step of a withdrawal's timeline, when the wallet sends one (GET /v1/withdrawals/:id). */
export interface WithdrawalTimelineStep {
  step: string;
  at: string | null;
  txid?: string | null;
  confirmations?: number | null;
  reason?: string | null;
}

export interface Withdrawal {
  withdrawalId: string;
  destinationAddress: string;
  amount: string;
  networkFee: string;
  status: WithdrawalStatus;
  txid: string | null;
  failureCode: string | null;
  requestedAt: string;
  updatedAt: string;
  confirmations?: number | null;
  timeline?: WithdrawalTimelineStep[];
}

/** GET /v1/withdrawal-policy, when the wallet offers it. */
export interface WithdrawalPolicy {
  networkFee: string;
  minimum: string;
  maximum?: string | null;
}

export interface Listing {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  price: string;
  shippingDays: number;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export type OrderStatus =
  | 'PENDING_PAYMENT'
  | 'PAYMENT_FAILED'
  | 'PAID'
  | 'SHIPPED'
  | 'DISPUTED'
  | 'RELEASING'
  | 'REFUNDING'
  | 'SPLITTING'
  | 'COMPLETED'
  | 'REFUNDED'
  | 'SPLIT';

export interface Order {
  id: string;
  listingId: string | null;
  auctionId: string | null;
  buyerId: string;
  sellerId: string;
  title: string;
  amount: string;
  fee: string;
  sellerReceives: string;
  status: OrderStatus;
  escrowConfirmed: boolean;
  trackingNote: string | null;
  disputeReason: string | null;
  failure: { code: string; reason: string | null } | null;
  deadlines: { kind: string; dueAt: string }[];
  createdAt: string;
  updatedAt: string;
}

export type AuctionStatus = 'OPEN' | 'CLOSED' | 'CANCELLED';
export type BidOutcome = 'PENDING' | 'LEADING' | 'OUTBID' | 'REFUSED' | 'WON' | 'LOST' | 'SUPERSEDED';

export interface Auction {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  shippingDays: number;
  status: AuctionStatus;
  startPrice: string;
  price: string | null;
  minimumBid: string | null;
  bidCount: number;
  endsAt: string;
  buyNow: string | null;
  buyNowPending: boolean;
  reserve: { hasReserve: boolean; met: boolean };
  leader: { bidder: string; maximum: string | null } | null;
  ending:
    | { outcome: 'SOLD'; via: string; price: string; winner: string; at: string }
    | { outcome: 'UNSOLD'; reason: string; at: string }
    | null;
  orderId: string | null;
  history: { bidder: string; price: string | null; outcome: BidOutcome; at: string | null }[];
  createdAt: string;
}

export interface Bid {
  id: string;
  auctionId: string;
  auctionTitle: string;
  maximum: string;
  outcome: BidOutcome;
  leading: boolean;
  refusalCode: string | null;
  priceAfterBid: string | null;
  auctionPrice: string | null;
  auctionStatus: AuctionStatus;
  endsAt: string;
  placedAt: string | null;
}

export interface BidAnswer {
  bid: Bid;
  auction: Auction;
}
