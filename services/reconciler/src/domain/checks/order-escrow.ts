/**
 * The marketplace against the wallet: each order of the order service and the escrow the wallet holds
 * for it (wallet.escrow, keyed by order id) must tell the same story. Three checks, each naming the
 * order id:
 * - `order-escrow-held`: an order that is paid, shipped or disputed has its escrow LOCKED or DISPUTED
 *   (a dispute freezes the escrow where it is); an order waiting for its payment has none yet, or a
 *   LOCKED one whose answer is on its way back.
 * - `order-escrow-settled`: a COMPLETED order has a RELEASED escrow, a REFUNDED one a REFUNDED escrow,
 *   a SPLIT one a SPLIT escrow, a PAYMENT_FAILED one none; an order asking the wallet to release, refund
 *   or split has the escrow of one side of that move.
 * - `escrow-has-order`: no escrow exists without an order. The order row always commits before the
 *   wallet is asked for anything, so an escrow never precedes its order, even in flight.
 * Whatever the statuses, an escrow's amount is the order's amount: neither ever changes.
 *
 * In flight (forgiven within the grace period, by the timestamps of both the order and the escrow): an
 * order between two states while the wallet's answer or the order's request travels over Kafka, and a
 * PAID auction order whose escrow the wallet has not converted from the winning bid yet. Older than
 * the grace period, the same pair is a finding: one side stopped listening.
 */
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import { finding, type CheckName, type Finding } from '../findings.js';

/** The order service's statuses (services/order/src/domain/order.ts). */
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

/** The wallet's escrow statuses; SPLIT is the final status of a dispute resolved as a split. */
export const ESCROW_STATUSES = ['LOCKED', 'DISPUTED', 'RELEASED', 'REFUNDED', 'SPLIT'] as const;
export type EscrowStatus = (typeof ESCROW_STATUSES)[number];

export interface OrderRecord {
  status: OrderStatus;
  amountKoinu: bigint;
  /** Set when the order came from a won auction: its escrow is converted from the winning bid. */
  auctionId: string | null;
  updatedAt: Date;
}

export interface EscrowRecord {
  status: EscrowStatus;
  amountKoinu: bigint;
  buyerId: string;
  updatedAt: Date;
}

export interface OrderEscrowPair {
  orderId: string;
  order: OrderRecord | null;
  escrow: EscrowRecord | null;
}

type OrderEscrowCheck = Extract<CheckName, 'order-escrow-held' | 'order-escrow-settled'>;

/** An order's escrow as one value: its status, or NONE when the wallet holds no escrow for it. */
type EscrowState = EscrowStatus | 'NONE';

interface Expectation {
  check: OrderEscrowCheck;
  /** Escrow states that agree with the order's status for good. */
  agreed: readonly EscrowState[];
  /** Escrow states of a move between the services: they agree only within the grace period. */
  inFlight: readonly EscrowState[];
}

const OPEN: readonly EscrowState[] = ['LOCKED', 'DISPUTED'];

const held = (agreed: readonly EscrowState[], inFlight: readonly EscrowState[]): Expectation => ({
  check: 'order-escrow-held',
  agreed,
  inFlight,
});
const settled = (agreed: readonly EscrowState[], inFlight: readonly EscrowState[]): Expectation => ({
  check: 'order-escrow-settled',
  agreed,
  inFlight,
});

/** What the wallet's escrow may be for an order in this state, and which check says so. */
export function expectationFor(order: OrderRecord): Expectation {
  switch (order.status) {
    case 'PENDING_PAYMENT':
      return held([], ['NONE', 'LOCKED']);
    case 'PAID':
      return held(OPEN, order.auctionId === null ? [] : ['NONE']);
    case 'SHIPPED':
    case 'DISPUTED':
      return held(OPEN, []);
    case 'RELEASING':
      return settled([], [...OPEN, 'RELEASED']);
    case 'REFUNDING':
      return settled([], [...OPEN, 'REFUNDED']);
    case 'SPLITTING':
      return settled([], ['DISPUTED', 'SPLIT']);
    case 'COMPLETED':
      return settled(['RELEASED'], []);
    case 'REFUNDED':
      return settled(['REFUNDED'], []);
    case 'SPLIT':
      return settled(['SPLIT'], []);
    case 'PAYMENT_FAILED':
      return settled(['NONE'], []);
    default: {
      const unknown: never = order.status;
      throw new Error(`unknown order status ${String(unknown)}`);
    }
  }
}

/** The checks that examine this pair (for the report's examined counts). */
export function checksExamining(pair: OrderEscrowPair): CheckName[] {
  const checks: CheckName[] = [];
  if (pair.order !== null) checks.push(expectationFor(pair.order).check);
  if (pair.escrow !== null) checks.push('escrow-has-order');
  return checks;
}

const describeState = (state: EscrowState): string => (state === 'NONE' ? 'no escrow' : `escrow ${state}`);

/** "a", "a or b", "a, b or c". */
function oneOf(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]!}`;
}

/** The states an order allows, as an operator reads them: "no escrow or escrow LOCKED". */
function describeAny(states: readonly EscrowState[]): string {
  const statuses = states.filter((state) => state !== 'NONE');
  const parts = states.includes('NONE') ? ['no escrow'] : [];
  if (statuses.length > 0) parts.push(`escrow ${oneOf(statuses)}`);
  return parts.join(' or ');
}

function sides(order: OrderRecord, escrow: EscrowRecord | null): string {
  const orderSide = `order ${order.status} for ${order.amountKoinu} koinu (changed ${order.updatedAt.toISOString()})`;
  const escrowSide =
    escrow === null
      ? 'no escrow'
      : `escrow ${escrow.status} for ${escrow.amountKoinu} koinu (changed ${escrow.updatedAt.toISOString()})`;
  return `${orderSide}; ${escrowSide}`;
}

function escrowWithoutOrder(orderId: string, escrow: EscrowRecord): Finding {
  return finding(
    'escrow-has-order',
    'order',
    orderId,
    'an order',
    'no order',
    `escrow ${escrow.status} for ${escrow.amountKoinu} koinu of buyer ${escrow.buyerId} (changed ${escrow.updatedAt.toISOString()}) has no order in the order service`,
  );
}

export function checkOrderEscrow(pair: OrderEscrowPair, window: GraceWindow): Finding[] {
  const { orderId, order, escrow } = pair;
  if (order === null) return escrow === null ? [] : [escrowWithoutOrder(orderId, escrow)];
  const expectation = expectationFor(order);
  const state: EscrowState = escrow?.status ?? 'NONE';
  const inFlight = expectation.inFlight.includes(state);
  if (!expectation.agreed.includes(state) && !inFlight) {
    const allowed = [...expectation.agreed, ...expectation.inFlight];
    return [
      finding(
        expectation.check,
        'order',
        orderId,
        describeAny(allowed),
        describeState(state),
        sides(order, escrow),
      ),
    ];
  }
  if (inFlight && !changedWithinGrace(window, order.updatedAt, escrow?.updatedAt ?? null)) {
    return [
      finding(
        expectation.check,
        'order',
        orderId,
        `order and escrow agreeing within ${window.graceSeconds} s`,
        `order ${order.status} with ${describeState(state)}`,
        `${sides(order, escrow)}: a move between the services older than the grace period`,
      ),
    ];
  }
  if (escrow !== null && escrow.amountKoinu !== order.amountKoinu) {
    return [
      finding(
        expectation.check,
        'order',
        orderId,
        order.amountKoinu,
        escrow.amountKoinu,
        `amount of the order vs its escrow: ${sides(order, escrow)}`,
      ),
    ];
  }
  return [];
}
