/**
 * The watcher's integration harness: a real PostgreSQL database of its own (created per test, with
 * the service's real migrations), a real regtest simulator on a free port (in-process, spoken to over
 * HTTP exactly like a node), and the watcher's own use cases wired as main.ts wires them. Nothing is
 * mocked: the only difference from production is who calls pollOnce().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { createKnex, type EventMessage, type Logger } from '@dbay/platform';
import { startRegtestNode, type RunningSimulatorHandle } from './simulator.js';
import { ensureCursor } from '../../src/adapters/db/chain-store.js';
import { WatchedHashes } from '../../src/adapters/db/watched-addresses.js';
import { DogecoinRpcClient } from '@dbay/chain-rpc';
import { DogecoinNode } from '../../src/adapters/rpc/dogecoin-node.js';
import { createWatcherMetrics, type WatcherMetrics } from '../../src/adapters/watcher-metrics.js';
import { depositAddressAssignedHandler } from '../../src/entrypoints/messages/deposit-address-assigned.js';
import { refillNeededHandler } from '../../src/entrypoints/messages/refill-needed.js';
import { ChainFollower } from '../../src/use-cases/follow-chain.js';
import type { ScanSettings } from '../../src/use-cases/dependencies.js';
import { RegtestControl, ThrowawayDatabase } from '@dbay/testing';
import {
  TOPICS,
  type DepositAddressAssignedPayload,
  type HotWalletRefillNeededPayload,
} from '@dbay/contracts';

export const SCHEMA = 'deposit_watcher';
const RPC_USER = 'watcher-test';
const RPC_PASSWORD = 'watcher-test-password';

export interface TestDatabase {
  knex: Knex;
  /** The superuser on this database (ANALYZE, checks across tables the watcher's role may not touch). */
  adminUrl: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database with the watcher's schema migrated into it (@dbay/testing's ThrowawayDatabase: owned
 * and migrated by the schema's owner role, as on the stack), and a pool as the watcher's own role.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await ThrowawayDatabase.create({
    name: `dw_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    services: ['deposit-watcher'],
  });
  const knex = createKnex({
    connectionString: database.urlOf('deposit-watcher'),
    schema: SCHEMA,
    applicationName: 'deposit-watcher-test',
  });
  return {
    knex,
    adminUrl: database.adminUrl,
    name: database.name,
    async drop() {
      await knex.destroy();
      await database.drop();
    },
  };
}

export interface TestSimulator {
  url: string;
  control: RegtestControl;
  handle: RunningSimulatorHandle;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestSimulator(): Promise<TestSimulator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dw-regtest-'));
  const handle = await startRegtestNode({ port: 0, user: RPC_USER, password: RPC_PASSWORD, dataDir });
  return {
    url: handle.url,
    control: new RegtestControl(handle.url, RPC_USER, RPC_PASSWORD),
    handle,
    dataDir,
    async stop() {
      await handle.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const TEST_SETTINGS: ScanSettings = {
  network: 'regtest',
  requiredConfirmations: 6,
  mempoolDropPolls: 3,
  maxBlocksPerPoll: 500,
  blockPrefetch: 4,
  mempoolFetchLimit: 2_000,
  backfillMarginMs: 60_000,
};

export interface Watcher {
  follower: ChainFollower;
  node: DogecoinNode;
  metrics: WatcherMetrics;
  registry: Registry;
  logger: Logger;
  logs: Array<Record<string, unknown>>;
}

/** The watcher's scanner as main.ts builds it, against `rpcUrl`, with its logs captured. */
export async function buildWatcher(
  knex: Knex,
  rpcUrl: string,
  settings: Partial<ScanSettings> = {},
  breaker: Partial<{ resetTimeoutMs: number; volumeThreshold: number; timeoutMs: number }> = {},
): Promise<Watcher> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const registry = new Registry();
  const metrics = createWatcherMetrics(registry);
  const node = new DogecoinNode(
    new DogecoinRpcClient(
      {
        url: rpcUrl,
        user: RPC_USER,
        password: RPC_PASSWORD,
        timeoutMs: breaker.timeoutMs ?? 2_000,
        breaker: {
          errorThresholdPercentage: 50,
          resetTimeoutMs: breaker.resetTimeoutMs ?? 1_000,
          rollingCountTimeoutMs: 5_000,
          volumeThreshold: breaker.volumeThreshold ?? 3,
        },
      },
      metrics,
    ),
    { blockFormat: 'raw', onRawBlockFallback: () => metrics.rawBlockFallbacks.inc() },
  );
  await ensureCursor(knex, 0);
  const follower = new ChainFollower({
    knex,
    node,
    logger,
    metrics,
    now: () => new Date(),
    watchedHashes: new WatchedHashes(knex, settings.backfillMarginMs ?? TEST_SETTINGS.backfillMarginMs),
    settings: { ...TEST_SETTINGS, ...settings },
  });
  return { follower, node, metrics, registry, logger, logs };
}

/** Feeds a deposit-address.assigned event through the real handler, in a transaction as the consumer does. */
export async function assignAddress(
  knex: Knex,
  assignment: { userId: string; address: string; addressIndex: number; occurredAt?: Date },
): Promise<void> {
  const handler = depositAddressAssignedHandler('regtest');
  const event: EventMessage<DepositAddressAssignedPayload> = {
    envelope: {
      eventId: randomUUID(),
      eventType: TOPICS.depositAddressAssigned,
      occurredAt: (assignment.occurredAt ?? new Date()).toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      producer: 'wallet',
    },
    payload: {
      userId: assignment.userId,
      address: assignment.address,
      derivationPath: `m/44'/3'/0'/0/${assignment.addressIndex}`,
      addressIndex: assignment.addressIndex,
    },
  };
  const silent = pino({ level: 'silent' });
  await knex.transaction((trx) =>
    handler(trx, event, {
      topic: TOPICS.depositAddressAssigned,
      partition: 0,
      offset: '0',
      key: assignment.userId,
      headers: undefined,
      attempt: 1,
      logger: silent,
    }),
  );
}

/** The saga's refill alert naming `address` (change path index `index`), as the watcher consumes it. */
export async function refillNeeded(knex: Knex, address: string, index: number): Promise<void> {
  const handler = refillNeededHandler('regtest');
  const event: EventMessage<HotWalletRefillNeededPayload> = {
    envelope: {
      eventId: randomUUID(),
      eventType: TOPICS.hotWalletRefillNeeded,
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      producer: 'withdrawal-saga',
    },
    payload: {
      network: 'regtest',
      availableKoinu: '0',
      owedKoinu: '0',
      floorKoinu: '100000000',
      ceilingKoinu: null,
      refillKoinu: '200000000',
      refillAddress: address,
      refillDerivationPath: `m/44'/3'/0'/1/${index}`,
      observedAt: new Date().toISOString(),
    },
  };
  await knex.transaction((trx) =>
    handler(trx, event, {
      topic: TOPICS.hotWalletRefillNeeded,
      partition: 0,
      offset: '0',
      key: 'regtest',
      headers: undefined,
      attempt: 1,
      logger: pino({ level: 'silent' }),
    }),
  );
}

export interface OutboxEvent {
  topic: string;
  key: string;
  payload: Record<string, unknown>;
}

const DEPOSIT_TOPICS = [
  TOPICS.depositDetected,
  TOPICS.depositConfirmationsChanged,
  TOPICS.depositConfirmed,
  TOPICS.depositReversed,
];

/** Every event of the given topics (the four deposit.* topics by default) in the outbox, in commit order. */
export async function outboxEvents(
  knex: Knex,
  topics: readonly string[] | string = DEPOSIT_TOPICS,
): Promise<OutboxEvent[]> {
  const rows = (await knex('outbox')
    .select('topic', 'message_key', 'payload')
    .whereIn('topic', typeof topics === 'string' ? [topics] : [...topics])
    .orderBy('id')) as Array<{ topic: string; message_key: string; payload: Record<string, unknown> }>;
  return rows.map((row) => ({ topic: row.topic, key: row.message_key, payload: row.payload }));
}

/** Polls until the scanner reaches the node's tip (and followed the mempool once). */
export async function pollUntilCaughtUp(watcher: Watcher, maxPolls = 50): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll += 1) {
    const report = await watcher.follower.pollOnce();
    if (report.reachedTip) return;
  }
  throw new Error(`not caught up after ${maxPolls} polls`);
}
