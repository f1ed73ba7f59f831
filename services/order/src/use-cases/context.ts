/** What the order service's use cases need, built once by main.ts and passed down. */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { OrderWindows } from '../domain/order.js';
import type { AuctionSettings } from './auctions.js';
import type { CrashPoints } from '../adapters/crash-points.js';
import type { OrderChangeWaiter } from '../adapters/order-change-waiter.js';
import type { WalletClient } from '../adapters/wallet-client.js';

export interface OrderSettings {
  /** The platform's fee on a sale, in basis points of the price. */
  feeBasisPoints: number;
  windows: OrderWindows;
  /** How long a buy request waits for the wallet's answer before it answers 202 (still pending). */
  paymentWaitMs: number;
  /** Timers fired per poller transaction at most. */
  timerBatchSize: number;
  auctions: AuctionSettings;
}

export interface OrderContext {
  db: Knex;
  settings: OrderSettings;
  waiter: OrderChangeWaiter;
  logger: Logger;
  newId: () => string;
  /** Test-only crash points; inert unless ORDER_CRASH_AT is set. */
  crash: CrashPoints;
  /** The wallet's synchronous bid-lock commands. */
  wallet: WalletClient;
}

/** Who asked, for idempotency (scope) and for the outbox (correlation). */
export interface RequestMeta {
  scope: string;
  idempotencyKey: string;
  correlationId: string;
}
