/**
 * What an order's transition says to the rest of the platform, as plain payloads (ids and koinu amounts
 * as strings, never personal data beyond user ids): the wallet commands it sends, keyed by order id, each
 * with an idempotency key derived from the order and the command (a command happens at most once in an
 * order's life, so a redelivered transition asks the wallet the same question with the same key), and the
 * order.* events other teams consume.
 */
import type { OrderEventName, WalletCommand } from './decisions.js';
import type { Order } from './order.js';

export interface OutboundMessage {
  topic: string;
  key: string;
  payload: Record<string, string | null>;
}

export function walletCommandMessage(order: Order, command: WalletCommand): OutboundMessage {
  const orderId = order.id;
  const idempotencyKey = `order:${orderId}:${command.kind.toLowerCase()}`;
  switch (command.kind) {
    case 'LOCK':
      return {
        topic: 'escrow.lock-requested',
        key: orderId,
        payload: {
          idempotencyKey,
          orderId,
          buyerId: order.buyerId,
          sellerId: order.sellerId,
          amountKoinu: order.amountKoinu.toString(),
          feeKoinu: order.feeKoinu.toString(),
        },
      };
    case 'RELEASE':
      return { topic: 'escrow.release-requested', key: orderId, payload: { idempotencyKey, orderId } };
    case 'REFUND':
      return { topic: 'escrow.refund-requested', key: orderId, payload: { idempotencyKey, orderId } };
    case 'DISPUTE':
      return {
        topic: 'escrow.dispute-requested',
        key: orderId,
        payload: { idempotencyKey, orderId, reason: command.reason },
      };
    case 'RESOLVE':
      return {
        topic: 'escrow.dispute-resolution-requested',
        key: orderId,
        payload: {
          idempotencyKey,
          orderId,
          outcome: command.outcome,
          buyerRefundKoinu: command.buyerRefundKoinu?.toString() ?? null,
          feeKoinu: command.feeKoinu?.toString() ?? null,
        },
      };
    default: {
      const unknown: never = command;
      throw new Error(`unknown wallet command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Every order.* event carries the same snapshot of the order, so a consumer needs no other lookup. */
export function orderEventMessage(order: Order, event: OrderEventName): OutboundMessage {
  return {
    topic: event,
    key: order.id,
    payload: {
      orderId: order.id,
      listingId: order.listingId,
      auctionId: order.auctionId,
      buyerId: order.buyerId,
      sellerId: order.sellerId,
      amountKoinu: order.amountKoinu.toString(),
      feeKoinu: order.feeKoinu.toString(),
      status: order.status,
      failureCode: order.failureCode,
      resolution: order.resolution,
      buyerRefundKoinu: order.buyerRefundKoinu?.toString() ?? null,
      sellerCreditKoinu: order.sellerCreditKoinu?.toString() ?? null,
    },
  };
}
