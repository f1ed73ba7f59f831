/**
 * The fingerprint of a command for the idempotency store: the same key with the same fingerprint
 * replays the first answer, with another fingerprint it is a 409. Amounts are compared as koinu, so
 * "1.5" and "1.50000000" are the same request. Ids the entry point mints per request (a new
 * withdrawal's id) are left out, or no retry could ever match.
 */
import { createHash } from 'node:crypto';
import type { Command } from '../domain/index.js';

const MINTED_FIELDS = new Set(['withdrawalId']);

function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function commandHash(command: Command): string {
  const fields = Object.fromEntries(
    Object.entries(command).filter(
      ([key]) => !(command.type === 'RequestWithdrawal' && MINTED_FIELDS.has(key)),
    ),
  );
  return createHash('sha256')
    .update(JSON.stringify(canonical(fields)))
    .digest('hex');
}
