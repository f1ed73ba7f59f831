/**
 * Kafka handlers, one per consumed topic. Each runs inside the platform's inbox transaction, so the
 * effect, the inbox mark and the outbox events commit together. Thin: hand the payload, decoded by
 * its topic's contract (@dbay/contracts), and its cause to the use case. A payload that does not fit
 * its schema, or that breaks the saga's own rules, is dead-lettered at once with the reason.
 */
import type { EventHandler } from '@dbay/platform';
import { TOPICS, topicHandlers } from '@dbay/contracts';
import { receiveWithdrawalRequest } from '../../use-cases/request-withdrawal.js';
import { receiveRefused, receiveSigned } from '../../use-cases/signing-answers.js';
import { receiveConfirmedDeposit, receiveReversedDeposit } from '../../use-cases/hot-wallet.js';
import { receiveSeenRefill } from '../../use-cases/refills.js';
import type { SagaContext } from '../../use-cases/ports.js';

export function messageHandlers(
  ctx: SagaContext,
  afterSigned: () => void,
): Record<string, EventHandler<never>> {
  return topicHandlers({
    [TOPICS.withdrawalRequested]: (trx, event) =>
      receiveWithdrawalRequest(ctx, trx, event.payload, {
        eventId: event.envelope.eventId,
        correlationId: event.envelope.correlationId,
      }),
    [TOPICS.withdrawalSigned]: async (trx, event) => {
      await receiveSigned(ctx, trx, event.payload, event.envelope.eventId);
      // The broadcaster polls too; this only shortens the wait. It reads committed rows only.
      afterSigned();
    },
    [TOPICS.withdrawalSigningRefused]: (trx, event) =>
      receiveRefused(ctx, trx, event.payload, event.envelope.eventId),
    [TOPICS.depositConfirmed]: (trx, event) =>
      receiveConfirmedDeposit(ctx, trx, event.payload, event.envelope.eventId),
    [TOPICS.depositReversed]: (trx, event) => receiveReversedDeposit(ctx, trx, event.payload),
    [TOPICS.hotWalletRefillReceived]: (trx, event) => receiveSeenRefill(ctx, trx, event.payload),
  });
}
