/**
 * The signer's Kafka handlers: thin wrappers that hand each request to the use case. The request's
 * payload is not decoded by its contract here: the signer answers every request, a malformed one
 * with a SIGNER_MALFORMED_REQUEST refusal (parseSigningRequest, whose output type is the contract's),
 * because a dead letter would leave the saga's batch waiting for an answer that never comes.
 */
import type { EventHandler } from '@dbay/platform';
import { answerSigningRequest, type SignerDependencies } from '../../use-cases/sign-withdrawals.js';
import { TOPICS } from '@dbay/contracts';

export function messageHandlers(deps: SignerDependencies): Record<string, EventHandler<never>> {
  return {
    [TOPICS.withdrawalSigningRequested]: async (trx, event, context) => {
      await answerSigningRequest(deps, trx, event, context.logger);
    },
  };
}
