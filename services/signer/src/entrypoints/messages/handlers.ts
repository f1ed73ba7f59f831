/** The signer's Kafka handlers: thin wrappers that hand each request to the use case. */
import type { EventHandler } from '@dbay/platform';
import { answerSigningRequest, type SignerDependencies } from '../../use-cases/sign-withdrawals.js';
import { TOPICS } from '../../topics.js';

export function messageHandlers(deps: SignerDependencies): Record<string, EventHandler<never>> {
  return {
    [TOPICS.signingRequested]: async (trx, event, context) => {
      await answerSigningRequest(deps, trx, event, context.logger);
    },
  };
}
