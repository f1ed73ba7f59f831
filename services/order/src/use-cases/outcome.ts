/** The answer of a user or operator command, for the HTTP entry point to map. */
import type { OrderError } from '../domain/errors.js';

export type CommandOutcome<T> =
  | { kind: 'done'; value: T; replayed: boolean }
  | { kind: 'refused'; error: OrderError }
  | { kind: 'key-reused' };
