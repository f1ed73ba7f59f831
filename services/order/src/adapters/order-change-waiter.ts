/**
 * Lets a buy request wait for the wallet's answer to its payment (it arrives through Kafka, maybe on
 * another replica): the transaction that changes an order NOTIFYs its id, and one LISTEN connection per
 * process wakes the requests waiting for that order. A missed notification is covered by one poll per
 * process (not per request: hundreds of concurrent buyers must not each query the database), which asks
 * in one statement which of the waited-for orders have left PENDING_PAYMENT.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { PgListener } from '@dbay/platform';
import { ORDER_CHANGED_CHANNEL } from './db/transitions.js';

/** Wakes one waiting request: true when its order was answered, false when the process stops. */
type Waker = (answered: boolean) => void;

/** How often the process looks for answers it was not notified of, while anyone waits. */
export const ORDER_WAIT_POLL_MS = 500;

export class OrderChangeWaiter {
  private readonly listener: PgListener;
  private readonly wakers = new Map<string, Set<Waker>>();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
  ) {
    this.listener = new PgListener(db, ORDER_CHANGED_CHANNEL, (orderId) => this.wake(orderId), logger);
  }

  async start(): Promise<void> {
    await this.listener.ensure();
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    this.poller = undefined;
    await this.listener.stop();
    for (const wakers of this.wakers.values()) for (const wake of wakers) wake(false);
  }

  /**
   * Resolves true once the order has left PENDING_PAYMENT, false when `timeoutMs` passed first or the
   * process stops. A wake is an answer (only a transition out of PENDING_PAYMENT NOTIFYs, and the poll
   * wakes only orders it found answered), so the order is looked up once, for an answer that came
   * before this request listened, and never again after a wake.
   */
  async waitForPaymentAnswer(orderId: string, timeoutMs: number): Promise<boolean> {
    await this.listener.ensure();
    let wake: Waker = () => undefined;
    const woken = new Promise<boolean>((resolve) => {
      wake = resolve;
    });
    this.register(orderId, wake);
    let timer: NodeJS.Timeout | undefined;
    try {
      if ((await this.answered([orderId])).length > 0) return true;
      return await Promise.race([
        woken,
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
      this.unregister(orderId, wake);
    }
  }

  private answered(orderIds: readonly string[]): Promise<string[]> {
    return this.db('orders')
      .whereIn('id', [...orderIds])
      .whereNot({ status: 'PENDING_PAYMENT' })
      .pluck<string[]>('id');
  }

  private register(orderId: string, wake: Waker): void {
    const wakers = this.wakers.get(orderId) ?? new Set();
    wakers.add(wake);
    this.wakers.set(orderId, wakers);
    this.poller ??= setInterval(() => void this.poll(), ORDER_WAIT_POLL_MS);
  }

  private unregister(orderId: string, wake: Waker): void {
    const wakers = this.wakers.get(orderId);
    wakers?.delete(wake);
    if (wakers?.size === 0) this.wakers.delete(orderId);
    if (this.wakers.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.wakers.size === 0) return;
    try {
      for (const orderId of await this.answered([...this.wakers.keys()])) this.wake(orderId);
    } catch (error) {
      this.logger.warn({ err: error }, 'Polling for payment answers failed; waiting for notifications');
    }
  }

  /** The order has left PENDING_PAYMENT. */
  private wake(orderId: string): void {
    for (const wake of this.wakers.get(orderId) ?? []) wake(true);
  }
}
