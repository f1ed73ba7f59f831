import { PermanentEventError } from '@dbay/platform';

/** A message the wallet will never be able to apply; the consumer dead-letters it with this reason. */
export class UnprocessableEventError extends PermanentEventError {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}
