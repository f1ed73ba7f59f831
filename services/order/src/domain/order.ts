/**
 * An order of the marketplace and its lifecycle. The wallet owns the money: every move of it is a
 * command the order service sends (escrow.*-requested) and an answer it waits for (escrow.locked,
 * escrow.released, ...). So an order passes through a "requested" state (RELEASING, REFUNDING,
 * SPLITTING) between a decision and the wallet's confirmation, and release, refund and dispute wait
 * until the wallet has confirmed the escrow (escrowLockedAt).
 *
 *   PENDING_PAYMENT --escrow.locked--> PAID --seller ships--> SHIPPED --buyer confirms / AUTO_RELEASE--> RELEASING
 *         |                             |  \--seller cancels / SHIPPING_DEADLINE--> REFUNDING          |
 *         '--escrow.lock-failed--> PAYMENT_FAILED (final; the listing is on sale again)              escrow.released
 *                                       |                                                              v
 *   PAID, SHIPPED --buyer disputes--> DISPUTED --operator: RELEASE / REFUND / SPLIT, or DISPUTE_FALLBACK (refund)
 *                                                   --> RELEASING / REFUNDING / SPLITTING
 *   RELEASING --escrow.released--> COMPLETED;  REFUNDING --escrow.refunded--> REFUNDED;  SPLITTING --escrow.split--> SPLIT
 *
 * Timers (durable rows, fired once by the poller): SHIPPING_DEADLINE starts when the order is paid
 * (the listing's shipping window), AUTO_RELEASE when it ships, DISPUTE_FALLBACK when a dispute opens;
 * each stops when its order leaves the state it watches.
 */

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAYMENT_FAILED',
  'PAID',
  'SHIPPED',
  'DISPUTED',
  'RELEASING',
  'REFUNDING',
  'SPLITTING',
  'COMPLETED',
  'REFUNDED',
  'SPLIT',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'PAYMENT_FAILED',
  'COMPLETED',
  'REFUNDED',
  'SPLIT',
]);

export const TIMER_KINDS = ['SHIPPING_DEADLINE', 'AUTO_RELEASE', 'DISPUTE_FALLBACK'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Why an order moved: each history row names one. */
export type TransitionCause =
  | 'ORDER_PLACED'
  | 'AUCTION_WON'
  | 'ESCROW_LOCKED'
  | 'ESCROW_LOCK_FAILED'
  | 'SELLER_SHIPPED'
  | 'SELLER_CANCELLED'
  | 'SHIPPING_DEADLINE'
  | 'BUYER_CONFIRMED_RECEIPT'
  | 'AUTO_RELEASE'
  | 'DISPUTE_OPENED'
  | 'ESCROW_FROZEN'
  | 'OPERATOR_RESOLVED'
  | 'DISPUTE_FALLBACK'
  | 'ESCROW_RELEASED'
  | 'ESCROW_REFUNDED'
  | 'ESCROW_SPLIT'
  | 'ESCROW_COMMAND_FAILED';

export type Actor =
  { kind: 'user'; userId: string } | { kind: 'operator'; name: string } | { kind: 'system' };

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.userId}`;
    case 'operator':
      return `operator:${actor.name}`;
    case 'system':
      return 'system';
    default: {
      const unknown: never = actor;
      throw new Error(`unknown actor ${JSON.stringify(unknown)}`);
    }
  }
}

export type Resolution = 'RELEASE' | 'REFUND' | 'SPLIT';

export interface Order {
  id: string;
  listingId: string | null;
  auctionId: string | null;
  buyerId: string;
  sellerId: string;
  title: string;
  amountKoinu: bigint;
  feeKoinu: bigint;
  status: OrderStatus;
  escrowLockedAt: Date | null;
  escrowFrozenAt: Date | null;
  shippingDays: number;
  trackingNote: string | null;
  disputeReason: string | null;
  failureCode: string | null;
  failureReason: string | null;
  resolution: Resolution | null;
  resolvedBy: string | null;
  buyerRefundKoinu: bigint | null;
  sellerCreditKoinu: bigint | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** How long each timer waits; from configuration (docs/order.md). */
export interface OrderWindows {
  autoReleaseMs: number;
  disputeFallbackMs: number;
}

export const DAY_MS = 86_400_000;

/** The platform's fee on a sale, in basis points of the price, rounded down to a whole koinu. */
export function feeFor(amountKoinu: bigint, feeBasisPoints: number): bigint {
  return (amountKoinu * BigInt(feeBasisPoints)) / 10_000n;
}

/** Who the actor is to this order; someone who is neither party does not learn that it exists. */
export function roleOf(order: Order, actor: Actor): 'buyer' | 'seller' | 'operator' | 'stranger' {
  if (actor.kind === 'operator' || actor.kind === 'system') return 'operator';
  if (actor.userId === order.buyerId) return 'buyer';
  if (actor.userId === order.sellerId) return 'seller';
  return 'stranger';
}
