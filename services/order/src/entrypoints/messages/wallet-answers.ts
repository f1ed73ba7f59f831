/**
 * The wallet's escrow answers, each applied to its order inside the consumer's inbox transaction (a
 * redelivered or replayed answer is skipped by the inbox, and a late one decides UNCHANGED). A payload
 * that breaks the contract is dead-lettered at once.
 */
import { z } from 'zod';
import { PermanentEventError, causedBy, type EventHandler, type EventMessage } from '@dbay/platform';
import { parseKoinu } from '@dbay/money';
import {
  onEscrowCommandFailed,
  onEscrowFrozen,
  onEscrowLocked,
  onEscrowLockFailed,
  onEscrowRefunded,
  onEscrowReleased,
  onEscrowSplit,
  type Decision,
} from '../../domain/decisions.js';
import type { Order } from '../../domain/order.js';
import type { CrashPoints } from '../../adapters/crash-points.js';
import { applyWalletAnswer } from '../../use-cases/wallet-answers.js';

const koinu = z.string().transform((text, ctx) => {
  try {
    return parseKoinu(text, { allowZero: true });
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not an integer koinu string' });
    return z.NEVER;
  }
});
const orderId = z.guid();

const schemas = {
  'escrow.locked': z.object({ orderId }),
  'escrow.lock-failed': z.object({ orderId, reasonCode: z.string().min(1), reason: z.string() }),
  'escrow.released': z.object({ orderId, sellerCreditKoinu: koinu }),
  'escrow.refunded': z.object({ orderId }),
  'escrow.disputed': z.object({ orderId }),
  'escrow.command-failed': z.object({ orderId, command: z.string().min(1), reasonCode: z.string().min(1) }),
  'escrow.split': z.object({ orderId, buyerRefundKoinu: koinu, sellerCreditKoinu: koinu }),
};

type Topic = keyof typeof schemas;

function handler<T extends Topic>(
  crash: CrashPoints,
  topic: T,
  decide: (payload: z.output<(typeof schemas)[T]>) => (order: Order, now: Date) => Decision,
): EventHandler<unknown> {
  return async (trx, event: EventMessage<unknown>) => {
    const parsed = schemas[topic].safeParse(event.payload);
    if (!parsed.success) {
      throw new PermanentEventError(
        `${topic}: invalid payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    }
    const payload = parsed.data as z.output<(typeof schemas)[T]>;
    await applyWalletAnswer(trx, payload.orderId, causedBy(event), decide(payload), crash);
  };
}

export function walletAnswerHandlers(crash: CrashPoints): Record<Topic, EventHandler<unknown>> {
  return {
    'escrow.locked': handler(crash, 'escrow.locked', () => (order, now) => onEscrowLocked(order, now)),
    'escrow.lock-failed': handler(
      crash,
      'escrow.lock-failed',
      (payload) => (order, now) => onEscrowLockFailed(order, payload.reasonCode, payload.reason, now),
    ),
    'escrow.released': handler(
      crash,
      'escrow.released',
      (payload) => (order, now) => onEscrowReleased(order, payload.sellerCreditKoinu, now),
    ),
    'escrow.refunded': handler(crash, 'escrow.refunded', () => (order, now) => onEscrowRefunded(order, now)),
    'escrow.disputed': handler(crash, 'escrow.disputed', () => (order, now) => onEscrowFrozen(order, now)),
    'escrow.split': handler(
      crash,
      'escrow.split',
      (payload) => (order, now) =>
        onEscrowSplit(
          order,
          { buyerRefundKoinu: payload.buyerRefundKoinu, sellerCreditKoinu: payload.sellerCreditKoinu },
          now,
        ),
    ),
    'escrow.command-failed': handler(
      crash,
      'escrow.command-failed',
      (payload) => (order, now) => onEscrowCommandFailed(order, payload.command, payload.reasonCode, now),
    ),
  };
}
