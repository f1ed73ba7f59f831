/**
 * Kafka handlers, one per consumed topic. Each runs inside the platform's inbox transaction, so the
 * effect, the inbox mark and the outbox events commit together. Thin: hand the payload and its
 * cause to the use case. A payload that breaks the contract throws, and the platform retries it and
 * then dead-letters it with the reason.
 */
import type { EventHandler } from '@dbay/platform';
import { receiveWithdrawalRequest } from '../../use-cases/request-withdrawal.js';
import { receiveRefused, receiveSigned } from '../../use-cases/signing-answers.js';
import { receiveConfirmedDeposit, receiveReversedDeposit } from '../../use-cases/hot-wallet.js';
import { TOPICS } from '../../use-cases/events.js';
import type { SagaContext } from '../../use-cases/ports.js';

export function messageHandlers(
  ctx: SagaContext,
  afterSigned: () => void,
): Record<string, EventHandler<never>> {
  const handlers: Record<string, EventHandler> = {
    [TOPICS.requested]: (trx, event) =>
      receiveWithdrawalRequest(ctx, trx, event.payload, {
        eventId: event.envelope.eventId,
        correlationId: event.envelope.correlationId,
      }),
    [TOPICS.signed]: async (trx, event) => {
      await receiveSigned(ctx, trx, event.payload, event.envelope.eventId);
      // The broadcaster polls too; this only shortens the wait. It reads committed rows only.
      afterSigned();
    },
    [TOPICS.signingRefused]: (trx, event) => receiveRefused(ctx, trx, event.payload, event.envelope.eventId),
    [TOPICS.depositConfirmed]: (trx, event) =>
      receiveConfirmedDeposit(ctx, trx, event.payload, event.envelope.eventId),
    [TOPICS.depositReversed]: (trx, event) => receiveReversedDeposit(ctx, trx, event.payload),
  };
  return handlers as Record<string, EventHandler<never>>;
}
