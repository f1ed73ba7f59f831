/**
 * The order's decisions: given the order (loaded FOR UPDATE), the actor, the database clock and the
 * windows, each returns the transition to save or a coded refusal, never touching I/O. A wallet answer
 * that arrives twice or late (a replay, a redelivery) decides UNCHANGED, so applying it again changes
 * nothing. The state diagram is in order.ts.
 */
import { orderError, type OrderError } from './errors.js';
import {
  DAY_MS,
  feeFor,
  roleOf,
  type Actor,
  type Order,
  type OrderStatus,
  type OrderWindows,
  type Resolution,
  type TimerKind,
  type TransitionCause,
} from './order.js';

/** What the wallet is asked to do; the adapter turns each into its escrow.*-requested command. */
export type WalletCommand =
  | { kind: 'LOCK' }
  | { kind: 'RELEASE' }
  | { kind: 'REFUND' }
  | { kind: 'DISPUTE'; reason: string }
  | { kind: 'RESOLVE'; outcome: Resolution; buyerRefundKoinu: bigint | null; feeKoinu: bigint | null };

export type OrderEventName =
  | 'order.created'
  | 'order.paid'
  | 'order.payment-failed'
  | 'order.shipped'
  | 'order.completed'
  | 'order.refunded'
  | 'order.disputed'
  | 'order.dispute-resolved';

/** Everything one decision changes, saved in one transaction. */
export interface Transition {
  order: Order;
  from: OrderStatus | null;
  cause: TransitionCause;
  actor: Actor;
  detail: string | null;
  startTimers: { kind: TimerKind; dueAt: Date }[];
  stopTimers: TimerKind[];
  commands: WalletCommand[];
  events: OrderEventName[];
  /** The listing's new status, when the order changes it. */
  listing: 'OPEN' | 'RESERVED' | 'SOLD' | null;
}

export type Decision =
  | { kind: 'ACCEPTED'; transition: Transition }
  | { kind: 'REFUSED'; error: OrderError }
  | { kind: 'UNCHANGED' };

const UNCHANGED: Decision = { kind: 'UNCHANGED' };

function refuse(code: OrderError['code'], message: string): Decision {
  return { kind: 'REFUSED', error: orderError(code, message) };
}

function accept(
  before: Order,
  changes: Partial<Order>,
  now: Date,
  rest: Omit<Partial<Transition>, 'order'> & Pick<Transition, 'cause' | 'actor'>,
): Decision {
  const order: Order = {
    ...before,
    ...changes,
    version: before.version + 1,
    updatedAt: now,
  };
  return {
    kind: 'ACCEPTED',
    transition: {
      order,
      from: before.status,
      detail: null,
      startTimers: [],
      stopTimers: [],
      commands: [],
      events: [],
      listing: null,
      ...rest,
    },
  };
}

/** The party check every user action starts with: strangers get ORDER_NOT_FOUND, not a hint. */
function requireParty(order: Order, actor: Actor, party: 'buyer' | 'seller'): Decision | null {
  const role = roleOf(order, actor);
  if (role === 'stranger') return refuse('ORDER_NOT_FOUND', `no order ${order.id}`);
  if (role !== party) {
    return party === 'buyer'
      ? refuse('ORDER_NOT_BUYER', 'only the buyer can do this')
      : refuse('ORDER_NOT_SELLER', 'only the seller can do this');
  }
  return null;
}

function requireStatus(order: Order, allowed: readonly OrderStatus[], action: string): Decision | null {
  if (allowed.includes(order.status)) return null;
  return refuse('ORDER_WRONG_STATE', `cannot ${action} an order that is ${order.status}`);
}

function requireEscrow(order: Order): Decision | null {
  if (order.escrowLockedAt !== null) return null;
  return refuse('ORDER_ESCROW_PENDING', 'the wallet has not confirmed the escrow yet; try again in a moment');
}

// ---------------------------------------------------------------- the wallet's answers

export function onEscrowLocked(order: Order, now: Date): Decision {
  if (order.escrowLockedAt !== null) return UNCHANGED;
  if (order.status === 'PENDING_PAYMENT') {
    return accept(order, { status: 'PAID', escrowLockedAt: now }, now, {
      cause: 'ESCROW_LOCKED',
      actor: { kind: 'system' },
      startTimers: [
        { kind: 'SHIPPING_DEADLINE', dueAt: new Date(now.getTime() + order.shippingDays * DAY_MS) },
      ],
      events: ['order.paid'],
      listing: order.listingId === null ? null : 'SOLD',
    });
  }
  // An auction's order is created PAID from the winner's lock; this is the wallet confirming the escrow.
  return accept(order, { escrowLockedAt: now }, now, { cause: 'ESCROW_LOCKED', actor: { kind: 'system' } });
}

export function onEscrowLockFailed(order: Order, reasonCode: string, reason: string, now: Date): Decision {
  if (order.status !== 'PENDING_PAYMENT') return UNCHANGED;
  return accept(order, { status: 'PAYMENT_FAILED', failureCode: reasonCode, failureReason: reason }, now, {
    cause: 'ESCROW_LOCK_FAILED',
    actor: { kind: 'system' },
    detail: reasonCode,
    events: ['order.payment-failed'],
    listing: order.listingId === null ? null : 'OPEN',
  });
}

export function onEscrowFrozen(order: Order, now: Date): Decision {
  if (order.status !== 'DISPUTED' || order.escrowFrozenAt !== null) return UNCHANGED;
  return accept(order, { escrowFrozenAt: now }, now, { cause: 'ESCROW_FROZEN', actor: { kind: 'system' } });
}

export function onEscrowReleased(order: Order, sellerCreditKoinu: bigint, now: Date): Decision {
  if (order.status !== 'RELEASING') return UNCHANGED;
  return accept(order, { status: 'COMPLETED', sellerCreditKoinu }, now, {
    cause: 'ESCROW_RELEASED',
    actor: { kind: 'system' },
    events: order.resolution === null ? ['order.completed'] : ['order.completed', 'order.dispute-resolved'],
  });
}

export function onEscrowRefunded(order: Order, now: Date): Decision {
  if (order.status !== 'REFUNDING') return UNCHANGED;
  return accept(order, { status: 'REFUNDED', buyerRefundKoinu: order.amountKoinu }, now, {
    cause: 'ESCROW_REFUNDED',
    actor: { kind: 'system' },
    events: order.resolution === null ? ['order.refunded'] : ['order.refunded', 'order.dispute-resolved'],
  });
}

export function onEscrowSplit(
  order: Order,
  amounts: { buyerRefundKoinu: bigint; sellerCreditKoinu: bigint },
  now: Date,
): Decision {
  if (order.status !== 'SPLITTING') return UNCHANGED;
  return accept(order, { status: 'SPLIT', ...amounts }, now, {
    cause: 'ESCROW_SPLIT',
    actor: { kind: 'system' },
    events: ['order.dispute-resolved'],
  });
}

/** The wallet refused a release, refund, dispute or resolution: recorded for operators, state kept. */
export function onEscrowCommandFailed(
  order: Order,
  command: string,
  reasonCode: string,
  now: Date,
): Decision {
  if (!WAITING_FOR_WALLET.has(order.status)) return UNCHANGED;
  return accept(order, { failureCode: reasonCode, failureReason: `${command} refused by the wallet` }, now, {
    cause: 'ESCROW_COMMAND_FAILED',
    actor: { kind: 'system' },
    detail: `${command}: ${reasonCode}`,
  });
}

/** The states in which an order has asked the wallet for something and waits for its answer. */
const WAITING_FOR_WALLET: ReadonlySet<OrderStatus> = new Set([
  'DISPUTED',
  'RELEASING',
  'REFUNDING',
  'SPLITTING',
]);

// ---------------------------------------------------------------- what people do

export function ship(
  order: Order,
  actor: Actor,
  trackingNote: string | null,
  now: Date,
  windows: OrderWindows,
): Decision {
  const refused = requireParty(order, actor, 'seller') ?? requireStatus(order, ['PAID'], 'ship');
  if (refused) return refused;
  return accept(order, { status: 'SHIPPED', trackingNote }, now, {
    cause: 'SELLER_SHIPPED',
    actor,
    stopTimers: ['SHIPPING_DEADLINE'],
    startTimers: [{ kind: 'AUTO_RELEASE', dueAt: new Date(now.getTime() + windows.autoReleaseMs) }],
    events: ['order.shipped'],
  });
}

export function cancelBySeller(order: Order, actor: Actor, now: Date): Decision {
  const refused =
    requireParty(order, actor, 'seller') ?? requireStatus(order, ['PAID'], 'cancel') ?? requireEscrow(order);
  if (refused) return refused;
  return accept(order, { status: 'REFUNDING' }, now, {
    cause: 'SELLER_CANCELLED',
    actor,
    stopTimers: ['SHIPPING_DEADLINE'],
    commands: [{ kind: 'REFUND' }],
  });
}

export function confirmReceipt(order: Order, actor: Actor, now: Date): Decision {
  // Confirming what the auto-release already started is not an error: the money goes to the seller once.
  if (roleOf(order, actor) === 'buyer' && (order.status === 'RELEASING' || order.status === 'COMPLETED')) {
    return UNCHANGED;
  }
  const refused =
    requireParty(order, actor, 'buyer') ??
    requireStatus(order, ['SHIPPED'], 'confirm receipt of') ??
    requireEscrow(order);
  if (refused) return refused;
  return accept(order, { status: 'RELEASING' }, now, {
    cause: 'BUYER_CONFIRMED_RECEIPT',
    actor,
    stopTimers: ['AUTO_RELEASE'],
    commands: [{ kind: 'RELEASE' }],
  });
}

export function openDispute(
  order: Order,
  actor: Actor,
  reason: string,
  now: Date,
  windows: OrderWindows,
): Decision {
  const refused =
    requireParty(order, actor, 'buyer') ??
    requireStatus(order, ['PAID', 'SHIPPED'], 'dispute') ??
    requireEscrow(order);
  if (refused) return refused;
  return accept(order, { status: 'DISPUTED', disputeReason: reason }, now, {
    cause: 'DISPUTE_OPENED',
    actor,
    stopTimers: ['SHIPPING_DEADLINE', 'AUTO_RELEASE'],
    startTimers: [{ kind: 'DISPUTE_FALLBACK', dueAt: new Date(now.getTime() + windows.disputeFallbackMs) }],
    commands: [{ kind: 'DISPUTE', reason }],
    events: ['order.disputed'],
  });
}

export type ResolutionRequest =
  { outcome: 'RELEASE' } | { outcome: 'REFUND' } | { outcome: 'SPLIT'; buyerRefundKoinu: bigint };

/** An operator decides a dispute; a split pays the platform fee on the seller's part only. */
export function resolveDispute(
  order: Order,
  operator: Actor,
  request: ResolutionRequest,
  feeBasisPoints: number,
  now: Date,
): Decision {
  if (operator.kind !== 'operator') return refuse('ORDER_NOT_FOUND', `no order ${order.id}`);
  const refused = requireStatus(order, ['DISPUTED'], 'resolve');
  if (refused) return refused;
  if (order.escrowFrozenAt === null) {
    return refuse(
      'ORDER_DISPUTE_NOT_FROZEN',
      'the wallet has not frozen the escrow yet; try again in a moment',
    );
  }
  const common = {
    cause: 'OPERATOR_RESOLVED' as const,
    actor: operator,
    stopTimers: ['DISPUTE_FALLBACK' as const],
  };
  switch (request.outcome) {
    case 'RELEASE':
      return accept(order, { status: 'RELEASING', resolution: 'RELEASE', resolvedBy: operator.name }, now, {
        ...common,
        detail: 'RELEASE',
        commands: [{ kind: 'RESOLVE', outcome: 'RELEASE', buyerRefundKoinu: null, feeKoinu: null }],
      });
    case 'REFUND':
      return accept(order, { status: 'REFUNDING', resolution: 'REFUND', resolvedBy: operator.name }, now, {
        ...common,
        detail: 'REFUND',
        commands: [{ kind: 'RESOLVE', outcome: 'REFUND', buyerRefundKoinu: null, feeKoinu: null }],
      });
    case 'SPLIT': {
      const refund = request.buyerRefundKoinu;
      if (refund <= 0n || refund >= order.amountKoinu) {
        return refuse(
          'ORDER_SPLIT_INVALID',
          'a split returns more than nothing and less than everything to the buyer',
        );
      }
      const feeKoinu = feeFor(order.amountKoinu - refund, feeBasisPoints);
      return accept(
        order,
        { status: 'SPLITTING', resolution: 'SPLIT', resolvedBy: operator.name, buyerRefundKoinu: refund },
        now,
        {
          ...common,
          detail: `SPLIT buyer ${refund} koinu`,
          commands: [{ kind: 'RESOLVE', outcome: 'SPLIT', buyerRefundKoinu: refund, feeKoinu }],
        },
      );
    }
    default: {
      const unknown: never = request;
      throw new Error(`unknown resolution ${JSON.stringify(unknown)}`);
    }
  }
}

// ---------------------------------------------------------------- timers

/** A durable timer came due; it applies only while the order is still in the state it watches. */
export function onTimer(order: Order, kind: TimerKind, now: Date): Decision {
  const system: Actor = { kind: 'system' };
  switch (kind) {
    case 'SHIPPING_DEADLINE':
      if (order.status !== 'PAID' || order.escrowLockedAt === null) return UNCHANGED;
      return accept(order, { status: 'REFUNDING' }, now, {
        cause: 'SHIPPING_DEADLINE',
        actor: system,
        commands: [{ kind: 'REFUND' }],
      });
    case 'AUTO_RELEASE':
      if (order.status !== 'SHIPPED') return UNCHANGED;
      return accept(order, { status: 'RELEASING' }, now, {
        cause: 'AUTO_RELEASE',
        actor: system,
        commands: [{ kind: 'RELEASE' }],
      });
    case 'DISPUTE_FALLBACK':
      if (order.status !== 'DISPUTED') return UNCHANGED;
      // Nobody decided in time: the buyer gets their money back. A frozen escrow is resolved; one the
      // wallet never froze (it would have to be weeks late) is refunded directly.
      return accept(
        order,
        { status: 'REFUNDING', resolution: 'REFUND', resolvedBy: 'dispute-fallback-timer' },
        now,
        {
          cause: 'DISPUTE_FALLBACK',
          actor: system,
          commands: [
            order.escrowFrozenAt === null
              ? { kind: 'REFUND' }
              : { kind: 'RESOLVE', outcome: 'REFUND', buyerRefundKoinu: null, feeKoinu: null },
          ],
        },
      );
    default: {
      const unknown: never = kind;
      throw new Error(`unknown timer ${String(unknown)}`);
    }
  }
}
