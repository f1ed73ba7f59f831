/**
 * The one error a contract decoder throws. It is a PermanentEventError, so a consumer that lets it
 * escape dead-letters the message at once (no retry can make a payload fit its schema), with a reason
 * that names the topic and every field that does not fit. Issues name paths and expectations, never
 * the values, so nothing secret reaches a log or a DLQ header through them.
 */
import type { z } from 'zod';
import { PermanentEventError } from '@dbay/platform';

export const PAYLOAD_CONTRACT_ERROR_CODE = 'CONTRACT_PAYLOAD_INVALID';

export class PayloadContractError extends PermanentEventError {
  readonly code = PAYLOAD_CONTRACT_ERROR_CODE;

  constructor(
    readonly topic: string,
    /** One `path: what was expected` line per field that does not fit. */
    readonly issues: readonly string[],
  ) {
    super(`${PAYLOAD_CONTRACT_ERROR_CODE}: ${topic} payload does not match its schema: ${issues.join('; ')}`);
    this.name = 'PayloadContractError';
  }
}

/** Parses `payload` with a topic's schema; the generated decoders are this with their topic's schema. */
export function decodeWith<Output>(topic: string, schema: z.ZodType<Output>, payload: unknown): Output {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new PayloadContractError(
    topic,
    result.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`),
  );
}
