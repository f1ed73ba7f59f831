/**
 * The server's nudges (GET /v1/events, server-sent events) and what each one makes stale. An event
 * carries no data worth showing, only `{ topic, id }`: the page refetches what it names. While the
 * stream is down the app polls instead (app.tsx).
 */
import type { QueryKey } from '@tanstack/react-query';

export const LIVE_EVENT_TYPES = ['deposit', 'balance', 'withdrawal', 'order', 'auction', 'bid'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** The query keys an event makes stale (each key also covers the longer keys that start with it). */
export function staleKeysFor(type: LiveEventType, id: string | null): QueryKey[] {
  switch (type) {
    case 'deposit':
      return [['deposits'], ['balance'], ['ledger']];
    case 'balance':
      return [['balance'], ['ledger']];
    case 'withdrawal':
      return [['withdrawals'], ...(id ? [['withdrawal', id]] : [['withdrawal']])];
    case 'order':
      return [['orders'], ...(id ? [['order', id]] : [['order']])];
    case 'auction':
      return [['auctions'], ...(id ? [['auction', id]] : [['auction']])];
    case 'bid':
      // A bid's nudge may name the bid rather than its auction, so every auction on screen is refetched.
      return [['bids'], ['auction']];
    default: {
      const unknown: never = type;
      throw new Error(`unknown live event ${String(unknown)}`);
    }
  }
}

/** The `id` of an event's data, or null when it has none or the data is not what the server sends. */
export function eventId(data: string): string | null {
  try {
    const parsed = JSON.parse(data) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    return null;
  }
}
