/**
 * Lets a request wait for an order to change (the wallet's answer to a buy arrives through Kafka, maybe
 * on another replica): the transaction that changes an order NOTIFYs its id, one LISTEN connection per
 * process wakes the waiters of that id, and a short poll covers a missed notification.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { PgListener } from '@dbay/platform';
import { ORDER_CHANGED_CHANNEL } from './db/transitions.js';

/** How often a waiter looks again when no notification came. */
export const ORDER_WAIT_POLL_MS = 250;

export class OrderChangeWaiter {
  private readonly listener: PgListener;
  private readonly wakers = new Map<string, Set<() => void>>();

  constructor(db: Knex, logger: Logger) {
    this.listener = new PgListener(db, ORDER_CHANGED_CHANNEL, (orderId) => this.wake(orderId), logger);
  }

  async start(): Promise<void> {
    await this.listener.ensure();
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    for (const wakers of this.wakers.values()) for (const wake of wakers) wake();
  }

  /** Calls `check` until it returns a value or `timeoutMs` passes; resolves with the value or undefined. */
  async waitFor<T>(
    orderId: string,
    check: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T | undefined> {
    await this.listener.ensure();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.register(orderId, wake);
      try {
        const value = await check();
        if (value !== undefined) return value;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.min(remaining, ORDER_WAIT_POLL_MS));
          }),
        ]);
        clearTimeout(timer);
      } finally {
        this.unregister(orderId, wake);
      }
    }
  }

  private register(orderId: string, wake: () => void): void {
    const wakers = this.wakers.get(orderId) ?? new Set();
    wakers.add(wake);
    this.wakers.set(orderId, wakers);
  }

  private unregister(orderId: string, wake: () => void): void {
    const wakers = this.wakers.get(orderId);
    wakers?.delete(wake);
    if (wakers?.size === 0) this.wakers.delete(orderId);
  }

  private wake(orderId: string): void {
    for (const wake of this.wakers.get(orderId) ?? []) wake();
  }
}
