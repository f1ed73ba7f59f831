/**
 * Buy it now and the escrow lifecycle: pay (available -> locked, LOCKED), release (buyer locked out,
 * seller and fee account in), refund (locked -> available), dispute (frozen until resolved as a
 * release, a refund or a split between buyer and seller).
 */
import { reject, type Accepted, type DecisionContext, type Decision } from './decision.js';
import type {
  DisputeEscrow,
  PayOrder,
  RefundEscrow,
  ReleaseEscrow,
  ResolveDispute,
  ResolveDisputeBySplit,
} from './commands.js';
import {
  escrowCommandFailed,
  escrowDisputed,
  escrowLocked,
  escrowLockFailed,
  escrowRefunded,
  escrowReleased,
  escrowSplit,
  type EscrowCommandName,
} from './events.js';
import { moveBetweenBuckets, platformPosting, userPosting, type Posting } from './postings.js';
import type { Book, Escrow, EscrowSplit } from './types.js';
import { escrowView } from './views.js';

export function decidePayOrder(book: Book, command: PayOrder, ctx: DecisionContext): Decision {
  const fail = (code: Parameters<typeof reject>[0], message: string): Decision =>
    reject(code, message, [
      escrowLockFailed(command.orderId, command.buyerId, command.amountKoinu, code, message),
    ]);
  if (command.amountKoinu <= 0n) return fail('WALLET_AMOUNT_INVALID', 'amount must be greater than zero');
  if (command.feeKoinu < 0n || command.feeKoinu > command.amountKoinu) {
    return fail('WALLET_FEE_EXCEEDS_AMOUNT', 'fee must be between zero and the amount');
  }
  if (command.buyerId === command.sellerId)
    return fail('WALLET_SAME_BUYER_AND_SELLER', 'buyer and seller are the same user');
  if (book.escrows.has(command.orderId)) {
    return fail('WALLET_ESCROW_ALREADY_EXISTS', `order ${command.orderId} already has an escrow`);
  }
  const buyer = book.wallets.get(command.buyerId);
  if (!buyer) return fail('WALLET_NOT_FOUND', `buyer ${command.buyerId} has no wallet`);
  if (buyer.availableKoinu < command.amountKoinu) {
    return fail('WALLET_INSUFFICIENT_FUNDS', 'available balance is lower than the order amount');
  }
  const escrow: Escrow = {
    id: ctx.commandId,
    orderId: command.orderId,
    buyerId: command.buyerId,
    sellerId: command.sellerId,
    amountKoinu: command.amountKoinu,
    feeKoinu: command.feeKoinu,
    status: 'LOCKED',
    source: 'PAY_ORDER',
    auctionId: null,
    disputeReason: null,
    split: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return {
    ok: true,
    postings: moveBetweenBuckets(command.buyerId, 'AVAILABLE', 'LOCKED', command.amountKoinu, 'ESCROW_LOCK'),
    reference: { type: 'order', id: command.orderId },
    changes: [{ kind: 'escrow', value: escrow }],
    events: [escrowLocked(escrow)],
    result: { kind: 'escrow', escrow: escrowView(escrow) },
  };
}

function escrowFailure(
  orderId: string,
  command: EscrowCommandName,
  code: Parameters<typeof reject>[0],
  message: string,
): Decision {
  return reject(code, message, [escrowCommandFailed(orderId, command, code, message)]);
}

function settle(escrow: Escrow, status: 'RELEASED' | 'REFUNDED', ctx: DecisionContext): Accepted {
  const settled: Escrow = { ...escrow, status, updatedAt: ctx.now };
  const postings: Posting[] = [];
  if (status === 'RELEASED') {
    postings.push(userPosting(escrow.buyerId, 'LOCKED', -escrow.amountKoinu, 'ESCROW_RELEASE'));
    const sellerCredit = escrow.amountKoinu - escrow.feeKoinu;
    if (sellerCredit > 0n) postings.push(userPosting(escrow.sellerId, 'AVAILABLE', sellerCredit, 'SALE'));
    if (escrow.feeKoinu > 0n) postings.push(platformPosting('MARKETPLACE_FEES', escrow.feeKoinu, 'FEE'));
  } else {
    postings.push(
      ...moveBetweenBuckets(escrow.buyerId, 'LOCKED', 'AVAILABLE', escrow.amountKoinu, 'ESCROW_REFUND'),
    );
  }
  return {
    ok: true,
    postings,
    reference: { type: 'order', id: escrow.orderId },
    changes: [{ kind: 'escrow', value: settled }],
    events: [status === 'RELEASED' ? escrowReleased(settled) : escrowRefunded(settled)],
    result: { kind: 'escrow', escrow: escrowView(settled) },
  };
}

function settleable(book: Book, orderId: string, command: EscrowCommandName): Escrow | Decision {
  const escrow = book.escrows.get(orderId);
  if (!escrow)
    return escrowFailure(orderId, command, 'WALLET_ESCROW_NOT_FOUND', `order ${orderId} has no escrow`);
  if (escrow.status === 'DISPUTED') {
    return escrowFailure(
      orderId,
      command,
      'WALLET_ESCROW_DISPUTED',
      'the escrow is disputed: resolve the dispute first',
    );
  }
  if (escrow.status !== 'LOCKED') {
    return escrowFailure(
      orderId,
      command,
      'WALLET_ESCROW_WRONG_STATE',
      `the escrow is ${escrow.status}, not LOCKED`,
    );
  }
  return escrow;
}

const isDecision = (value: Escrow | Decision): value is Decision => 'ok' in value;

export function decideReleaseEscrow(book: Book, command: ReleaseEscrow, ctx: DecisionContext): Decision {
  const escrow = settleable(book, command.orderId, 'RELEASE');
  return isDecision(escrow) ? escrow : settle(escrow, 'RELEASED', ctx);
}

export function decideRefundEscrow(book: Book, command: RefundEscrow, ctx: DecisionContext): Decision {
  const escrow = settleable(book, command.orderId, 'REFUND');
  return isDecision(escrow) ? escrow : settle(escrow, 'REFUNDED', ctx);
}

export function decideDisputeEscrow(book: Book, command: DisputeEscrow, ctx: DecisionContext): Decision {
  const escrow = settleable(book, command.orderId, 'DISPUTE');
  if (isDecision(escrow)) return escrow;
  const disputed: Escrow = {
    ...escrow,
    status: 'DISPUTED',
    disputeReason: command.reason,
    updatedAt: ctx.now,
  };
  return {
    ok: true,
    postings: [],
    reference: { type: 'order', id: escrow.orderId },
    changes: [{ kind: 'escrow', value: disputed }],
    events: [escrowDisputed(disputed)],
    result: { kind: 'escrow', escrow: escrowView(disputed) },
  };
}

export function decideResolveDispute(book: Book, command: ResolveDispute, ctx: DecisionContext): Decision {
  const escrow = book.escrows.get(command.orderId);
  if (!escrow) {
    return escrowFailure(
      command.orderId,
      'RESOLVE_DISPUTE',
      'WALLET_ESCROW_NOT_FOUND',
      `order ${command.orderId} has no escrow`,
    );
  }
  if (escrow.status !== 'DISPUTED') {
    return escrowFailure(
      command.orderId,
      'RESOLVE_DISPUTE',
      'WALLET_ESCROW_WRONG_STATE',
      `the escrow is ${escrow.status}, not DISPUTED`,
    );
  }
  switch (command.outcome) {
    case 'RELEASE':
      return settle(escrow, 'RELEASED', ctx);
    case 'REFUND':
      return settle(escrow, 'REFUNDED', ctx);
    case 'SPLIT':
      return split(escrow, command, ctx);
    default: {
      const unknown: never = command;
      throw new Error(`unknown dispute outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A split is a partial refund and a partial release in one balanced transaction: the buyer's locked
 * amount leaves locked, x of it to the buyer's available, the rest to the seller less the fee, and the
 * fee to MARKETPLACE_FEES. A part of zero has no posting (a fee of zero, or a fee that takes the
 * seller's whole part).
 */
function split(escrow: Escrow, command: ResolveDisputeBySplit, ctx: DecisionContext): Decision {
  const { buyerRefundKoinu, feeKoinu } = command;
  if (buyerRefundKoinu <= 0n || buyerRefundKoinu >= escrow.amountKoinu) {
    return escrowFailure(
      escrow.orderId,
      'RESOLVE_DISPUTE',
      'WALLET_SPLIT_REFUND_OUT_OF_RANGE',
      `the buyer's part must be more than 0 and less than the escrow's ${escrow.amountKoinu} koinu (all of it is a REFUND)`,
    );
  }
  const sellerPartKoinu = escrow.amountKoinu - buyerRefundKoinu;
  if (feeKoinu < 0n || feeKoinu > sellerPartKoinu) {
    return escrowFailure(
      escrow.orderId,
      'RESOLVE_DISPUTE',
      'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART',
      `the fee must be between 0 and the seller's part of ${sellerPartKoinu} koinu`,
    );
  }
  const parts: EscrowSplit = { buyerRefundKoinu, sellerCreditKoinu: sellerPartKoinu - feeKoinu, feeKoinu };
  const settled: Escrow = { ...escrow, status: 'SPLIT', split: parts, updatedAt: ctx.now };
  const postings: Posting[] = [
    ...moveBetweenBuckets(escrow.buyerId, 'LOCKED', 'AVAILABLE', buyerRefundKoinu, 'ESCROW_REFUND'),
    userPosting(escrow.buyerId, 'LOCKED', -sellerPartKoinu, 'ESCROW_RELEASE'),
  ];
  if (parts.sellerCreditKoinu > 0n)
    postings.push(userPosting(escrow.sellerId, 'AVAILABLE', parts.sellerCreditKoinu, 'SALE'));
  if (feeKoinu > 0n) postings.push(platformPosting('MARKETPLACE_FEES', feeKoinu, 'FEE'));
  return {
    ok: true,
    postings,
    reference: { type: 'order', id: escrow.orderId },
    changes: [{ kind: 'escrow', value: settled }],
    events: [escrowSplit(settled, parts)],
    result: { kind: 'escrow', escrow: escrowView(settled) },
  };
}
