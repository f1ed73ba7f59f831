/** Turns a use case's outcome into the answer: a replay answers like the first time, plus a header. */
import type { Response } from 'express';
import type { CommandOutcome } from '../../use-cases/outcome.js';
import { orderHttpError } from './error-table.js';

export function respond<T>(
  res: Response,
  outcome: CommandOutcome<T>,
  status: number,
  present: (value: T) => unknown,
): void {
  switch (outcome.kind) {
    case 'done':
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(status).json(present(outcome.value));
      return;
    case 'refused':
      throw orderHttpError(outcome.error.code, outcome.error.message);
    case 'key-reused':
      throw orderHttpError(
        'ORDER_IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for another request',
      );
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}
