/**
 * What the deposit e2e specs share, all against the stack `npm run stack:up` started: the simulator's
 * control surface (fund, mine, reorg, faults), the wallet's user API with tokens minted from the
 * stack's user-token key (a user gets an address, reads balance, ledger and deposits), a Kafka
 * collector of the deposit.* events (decoded through the real schema registry), and the watcher's
 * /metrics. Nothing here is a mock.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Consumer } from 'kafkajs';
import { importPKCS8, SignJWT } from 'jose';
import { pino } from 'pino';
import { createKafka, createSchemaRegistry, EventCodec, type EventMessage } from '@dbay/platform';
import { dogecoinRpcPassword, stackEndpoints, waitFor, stackKafkaSasl } from '@dbay/testing';
import { RegtestControl } from '@dbay/testing';
import { TOPICS } from '@dbay/contracts';

export const DEPOSIT_TOPICS = [
  TOPICS.depositDetected,
  TOPICS.depositConfirmationsChanged,
  TOPICS.depositConfirmed,
  TOPICS.depositReversed,
] as const;

export function chainControl(): RegtestControl {
  const { dogecoinRpc } = stackEndpoints();
  return new RegtestControl(dogecoinRpc.url, dogecoinRpc.user, dogecoinRpcPassword());
}

// ---------------------------------------------------------------- wallet (user API)

async function userToken(userId: string): Promise<string> {
  const { secretsDir } = stackEndpoints();
  const key = await importPKCS8(readFileSync(path.join(secretsDir, 'user-jwt-private.pem'), 'utf8'), 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(userId)
    .setIssuer('dbay-auth')
    .setAudience('dbay-wallet')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

export interface WalletUser {
  userId: string;
  address: string;
  derivationPath: string;
}

async function walletCall<T>(
  userId: string,
  method: 'GET' | 'POST',
  route: string,
  body: unknown = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stackEndpoints().services.wallet.url}/v1${route}`, {
    method,
    headers: {
      authorization: `Bearer ${await userToken(userId)}`,
      'content-type': 'application/json',
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: method === 'POST' ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The user asks to withdraw `amount` DOGE to `destinationAddress`; returns the wallet's withdrawal. */
export async function requestWithdrawal(
  userId: string,
  destinationAddress: string,
  amount: string,
): Promise<{ withdrawalId: string; status: string }> {
  const { status, body } = await walletCall<{ withdrawalId: string; status: string }>(
    userId,
    'POST',
    '/withdrawals',
    { destinationAddress, amount },
  );
  if (status !== 201) throw new Error(`POST /v1/withdrawals answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** The user's withdrawal as the wallet shows it. */
export async function withdrawalOf(userId: string, withdrawalId: string): Promise<{ status: string }> {
  return (await walletCall<{ status: string }>(userId, 'GET', `/withdrawals/${withdrawalId}`)).body;
}

/** A new user gets their deposit address through the wallet's API (which emits deposit-address.assigned). */
export async function newWalletUser(): Promise<WalletUser> {
  const userId = randomUUID();
  const { status, body } = await walletCall<{ address: string; derivationPath: string }>(
    userId,
    'POST',
    '/deposit-address',
  );
  if (status !== 200 && status !== 201)
    throw new Error(`POST /v1/deposit-address answered ${status}: ${JSON.stringify(body)}`);
  return { userId, address: body.address, derivationPath: body.derivationPath };
}

export interface Balance {
  available: string;
  locked: string;
  pending: string;
}

export async function balanceOf(userId: string): Promise<Balance> {
  const { status, body } = await walletCall<Balance>(userId, 'GET', '/balance');
  if (status !== 200) throw new Error(`GET /v1/balance answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

export async function ledgerOf(
  userId: string,
): Promise<Array<{ entryType: string; credit: string; debit: string; bucket: string }>> {
  const { status, body } = await walletCall<{
    entries: Array<{ entryType: string; credit: string; debit: string; bucket: string }>;
  }>(userId, 'GET', '/ledger?limit=100');
  if (status !== 200) throw new Error(`GET /v1/ledger answered ${status}: ${JSON.stringify(body)}`);
  return body.entries;
}

export async function depositsOf(
  userId: string,
): Promise<Array<{ txid: string; vout: number; amount: string; status: string; confirmations: number }>> {
  const { status, body } = await walletCall<{
    deposits: Array<{ txid: string; vout: number; amount: string; status: string; confirmations: number }>;
  }>(userId, 'GET', '/deposits?limit=100');
  if (status !== 200) throw new Error(`GET /v1/deposits answered ${status}: ${JSON.stringify(body)}`);
  return body.deposits;
}

// ---------------------------------------------------------------- Kafka

export interface CollectedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  event: EventMessage<Record<string, unknown>>;
}

/**
 * Collects every deposit.* event produced after start() (a fresh consumer group reading from the
 * latest offsets), decoded through the schema registry.
 */
export class DepositEventCollector {
  readonly events: CollectedEvent[] = [];
  private consumer: Consumer | undefined;

  async start(): Promise<void> {
    const endpoints = stackEndpoints();
    const logger = pino({ level: 'warn' });
    const kafka = createKafka({
      clientId: 'deposit-e2e',
      brokers: endpoints.kafkaBrokers,
      logger,
      security: stackKafkaSasl(),
    });
    const codec = new EventCodec(createSchemaRegistry(endpoints.schemaRegistryUrl));
    const consumer = kafka.consumer({
      groupId: `deposit-e2e-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...DEPOSIT_TOPICS], fromBeginning: false });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const event = (await codec.decode(message.value)) as EventMessage<Record<string, unknown>>;
        this.events.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          event,
        });
      },
    });
    this.consumer = consumer;
    await waitFor(() => joined, { timeoutMs: 30_000, description: 'the e2e consumer to join its group' });
    // With fromBeginning false a new group starts at the latest offsets once it has its assignment.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  of(userId: string, topic?: string): CollectedEvent[] {
    return this.events.filter((item) => item.key === userId && (topic === undefined || item.topic === topic));
  }
}

// ---------------------------------------------------------------- the watcher

export async function watcherMetric(name: string): Promise<number | undefined> {
  const text = await (await fetch(stackEndpoints().services['deposit-watcher'].metricsUrl)).text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** The sum of every series of `name` whose labels include `label` (e.g. `kind="node-malformed"`); 0 when none. */
export async function watcherCounter(name: string, label: string): Promise<number> {
  const text = await (await fetch(stackEndpoints().services['deposit-watcher'].metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(label))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** The watcher's log (pino JSON lines) written after byte `from` of its stack log file. */
export async function watcherLogSince(from: number): Promise<Array<Record<string, unknown>>> {
  const file = path.join(stackEndpoints().logDir, 'deposit-watcher.log');
  const text = (await readFile(file)).subarray(from).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function watcherLogSize(): Promise<number> {
  return (await stat(path.join(stackEndpoints().logDir, 'deposit-watcher.log'))).size;
}

/** Waits until the watcher's stored tip is the node's tip (its scanned-height metric). */
export async function watcherCaughtUp(control: RegtestControl, timeoutMs = 30_000): Promise<void> {
  const { height } = await control.status();
  await waitFor(async () => ((await watcherMetric('dbay_deposit_watcher_scanned_height')) ?? -1) >= height, {
    timeoutMs,
    description: `the watcher to scan up to height ${height}`,
  });
}

export const DOGE_DECIMALS_ZERO = '0.00000000';
