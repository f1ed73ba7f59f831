/**
 * The wallet's answers about bid locks (bid.unlocked, bid.converted, bid.command-failed), applied in the
 * consumer's inbox transaction. A payload that breaks the contract is dead-lettered at once.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import { PermanentEventError, type EventHandler } from '@dbay/platform';
import { onBidCommandFailed, onBidConverted, onBidUnlocked } from '../../use-cases/bid-answers.js';

const lock = { auctionId: z.guid(), userId: z.guid() };
const schemas = {
  'bid.unlocked': z.object(lock),
  'bid.converted': z.object(lock),
  'bid.command-failed': z.object({ ...lock, command: z.string().min(1), reasonCode: z.string().min(1) }),
};

function parse<T extends keyof typeof schemas>(topic: T, payload: unknown): z.output<(typeof schemas)[T]> {
  const parsed = schemas[topic].safeParse(payload);
  if (!parsed.success) {
    throw new PermanentEventError(
      `${topic}: invalid payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data as z.output<(typeof schemas)[T]>;
}

export function bidAnswerHandlers(logger: Logger): Record<keyof typeof schemas, EventHandler<unknown>> {
  return {
    'bid.unlocked': async (trx, event) => {
      const { auctionId, userId } = parse('bid.unlocked', event.payload);
      await onBidUnlocked(trx, { auctionId, bidderId: userId });
    },
    'bid.converted': async (trx, event) => {
      const { auctionId, userId } = parse('bid.converted', event.payload);
      await onBidConverted(trx, { auctionId, bidderId: userId });
    },
    'bid.command-failed': async (trx, event) => {
      const { auctionId, userId, command, reasonCode } = parse('bid.command-failed', event.payload);
      await onBidCommandFailed(trx, { auctionId, bidderId: userId, command, reasonCode }, logger);
    },
  };
}
