/**
 * What the withdrawal e2e specs share: the running stack's endpoints (.stack/stack.env), the node's
 * RPC and the simulator's control surface, Kafka (produce through the real schema registry, collect
 * events by key), read access to the saga's schema, a service token for the review API, and the
 * saga process itself (restart with a crash point, wait for it to die). Nothing here is a mock: every
 * call goes to the stack `npm run stack:up` started.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { Transaction } from 'bitcoinjs-lib';
import { importPKCS8, SignJWT } from 'jose';
import pino from 'pino';
import {
  buildEnvelope,
  createKafka,
  createSchemaRegistry,
  EventCodec,
  type EventMessage,
} from '@dbay/platform';
import { deriveAddress, outputScriptForAddress, regtest } from '@dbay/dogecoin';
import { parseDoge } from '@dbay/money';
import {
  expectMatchesOpenApi,
  fetchOpenApi,
  kcatDump,
  kcatProduce,
  parseKcatDump,
  type OpenApiDocument,
  stackKafkaSaslFor,
} from '@dbay/testing';
import { TOPICS } from '@dbay/contracts';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DOGE = 100_000_000n;
export const SAGA_URL = 'http://127.0.0.1:7104';

export function stackEnv(): Record<string, string> {
  const dir = process.env.STACK_DIR ?? path.join(REPO_ROOT, '.stack');
  const file = path.join(dir, 'stack.env');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run stack:up first`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

// ---------------------------------------------------------------- chain

export class Chain {
  private readonly auth: string;
  constructor(
    private readonly url: string,
    user: string,
    password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  static fromStack(env = stackEnv()): Chain {
    const password = readFileSync(env.DOGECOIN_RPC_PASSWORD_FILE!, 'utf8').trim();
    return new Chain(env.DOGECOIN_RPC_URL!, env.DOGECOIN_RPC_USER!, password);
  }

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
    });
    const body = (await response.json()) as { result: T; error: { code: number; message: string } | null };
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
    return body.result;
  }

  async control<T>(command: string, body: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.url}/control/${command}`, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // The simulator answers { "result": ... } on success and { "error": { code, message } } otherwise.
    const answer = (await response.json()) as { result?: T; error?: { code: string; message: string } };
    if (!response.ok || answer.error || answer.result === undefined) {
      throw new Error(`control ${command}: ${response.status} ${JSON.stringify(answer)}`);
    }
    return answer.result;
  }

  fund(address: string, amountDoge: string): Promise<{ txid: string; hex: string }> {
    return this.control('fund', { address, amount: amountDoge });
  }

  /** Removes a transaction and its descendants from the mempool, as a node evicting it would. */
  dropFromMempool(txid: string): Promise<{ dropped: string[] }> {
    return this.control('drop-mempool', { txid });
  }

  /**
   * Disconnects `depth` blocks and mines `blocks` on the fork (the simulator's /control/reorg); the
   * `drop`ped transactions and their descendants leave the mempool instead of being mined again.
   */
  reorg(body: { depth: number; blocks?: number; drop?: string[] }): Promise<{
    forkHeight: number;
    disconnected: string[];
    connected: string[];
    dropped: string[];
  }> {
    return this.control('reorg', body);
  }

  /**
   * Sets (a DOGE/kB string) or clears (null) the simulator's congestion floor: blocks then take only
   * packages paying at least that rate, as a busy mainnet miner would. Clear it in a finally: while it
   * is set, the faucet's 0.01 DOGE/kB payments are not mined either.
   */
  congestion(minFeePerKb: string | null): Promise<{ minFeePerKb: string | null }> {
    return this.control('congestion', { minFeePerKb });
  }

  async inMempool(txid: string): Promise<boolean> {
    return (await this.rpc<string[]>('getrawmempool')).includes(txid);
  }

  mine(blocks = 1): Promise<{ blockHashes: string[] }> {
    return this.control('mine', { blocks });
  }

  height(): Promise<number> {
    return this.rpc<number>('getblockcount');
  }

  rawTransaction(txid: string): Promise<string> {
    return this.rpc<string>('getrawtransaction', [txid, 0]);
  }

  /** Every output paying `address` (as a script) in blocks above `fromHeight` and in the mempool. */
  async paymentsTo(
    scriptHex: string,
    fromHeight: number,
  ): Promise<{ txid: string; vout: number; valueKoinu: bigint }[]> {
    const txids: string[] = await this.rpc<string[]>('getrawmempool');
    const tip = await this.height();
    for (let height = fromHeight + 1; height <= tip; height++) {
      const hash = await this.rpc<string>('getblockhash', [height]);
      const block = await this.rpc<{ tx: string[] }>('getblock', [hash, true]);
      txids.push(...block.tx);
    }
    const found: { txid: string; vout: number; valueKoinu: bigint }[] = [];
    for (const txid of new Set(txids)) {
      const tx = Transaction.fromHex(await this.rawTransaction(txid));
      tx.outs.forEach((out, vout) => {
        if (Buffer.from(out.script).toString('hex') === scriptHex)
          found.push({ txid, vout, valueKoinu: out.value });
      });
    }
    return found;
  }
}

// ---------------------------------------------------------------- kafka

export interface Collected {
  topic: string;
  partition: number;
  key: string | null;
  event: EventMessage<Record<string, unknown>>;
}

export class Bus {
  private readonly kafka: Kafka;
  private readonly codec: EventCodec;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  readonly seen: Collected[] = [];

  constructor(env = stackEnv()) {
    const logger = pino({ level: 'warn' });
    this.kafka = createKafka({
      clientId: `e2e-withdrawal-${randomUUID()}`,
      brokers: env.KAFKA_BROKERS!.split(','),
      logger,
      security: stackKafkaSaslFor(env.KAFKA_BROKERS!),
    });
    this.codec = new EventCodec(createSchemaRegistry(env.SCHEMA_REGISTRY_URL!));
  }

  /** Collects every event of `topics` from the beginning, so nothing produced before joining is missed. */
  async collect(topics: string[]): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `e2e-withdrawal-${randomUUID()}`, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const event = (await this.codec.decode(message.value)) as EventMessage<Record<string, unknown>>;
        this.seen.push({ topic, partition, key: message.key?.toString() ?? null, event });
      },
    });
  }

  async produce(
    topic: string,
    key: string,
    payload: Record<string, unknown>,
    correlationId = randomUUID(),
  ): Promise<string> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const envelope = buildEnvelope({ eventType: topic, correlationId, producer: 'e2e-withdrawal' });
    const value = await this.codec.encode(topic, { envelope, payload });
    await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
    return envelope.eventId;
  }

  /** The first and end offsets of every partition of `topic`. */
  async partitionOffsets(topic: string): Promise<{ partition: number; low: number; high: number }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic))
        .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
        .sort((a, b) => a.partition - b.partition);
    } finally {
      await admin.disconnect();
    }
  }

  /** The end offset of every partition of `topics`, keyed "topic:partition": where a replay may start. */
  async endOffsets(topics: string[]): Promise<Map<string, number>> {
    const ends = new Map<string, number>();
    for (const topic of topics) {
      for (const { partition, high } of await this.partitionOffsets(topic))
        ends.set(`${topic}:${partition}`, high);
    }
    return ends;
  }

  events(topic: string, key: string): Collected[] {
    return this.seen.filter((entry) => entry.topic === topic && entry.key === key);
  }

  waitForEvent(topic: string, key: string, timeoutMs = 60_000): Promise<Collected> {
    return waitUntil(`${topic} for ${key}`, () => Promise.resolve(this.events(topic, key)[0]), timeoutMs);
  }

  /** The first event of `topic` for `key` whose payload has `field` equal to `value`. */
  waitForEventWith(
    topic: string,
    key: string,
    field: string,
    value: unknown,
    timeoutMs = 60_000,
  ): Promise<Collected> {
    return waitUntil(
      `${topic} for ${key} with ${field} ${String(value)}`,
      () => Promise.resolve(this.events(topic, key).find((entry) => entry.event.payload[field] === value)),
      timeoutMs,
    );
  }

  /**
   * Waits until each consumer group has committed, on the given partitions of its topics (all when
   * none are named), at least the end offsets those partitions had when this was called: everything
   * produced there so far has been processed.
   */
  async waitForGroupsCaughtUp(
    groups: Record<string, { topic: string; partitions?: number[] }[]>,
    timeoutMs = 90_000,
  ): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const targets: { groupId: string; topic: string; partition: number; high: bigint }[] = [];
      for (const [groupId, topics] of Object.entries(groups)) {
        for (const { topic, partitions } of topics) {
          for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
            if (partitions === undefined || partitions.includes(partition))
              targets.push({ groupId, topic, partition, high: BigInt(high) });
          }
        }
      }
      await waitUntil(
        `consumer groups ${Object.keys(groups).join(', ')} to catch up`,
        async () => {
          for (const [groupId, topics] of Object.entries(groups)) {
            const committed = await admin.fetchOffsets({ groupId, topics: topics.map((t) => t.topic) });
            for (const target of targets.filter((t) => t.groupId === groupId)) {
              const offset = committed
                .find((t) => t.topic === target.topic)
                ?.partitions.find((p) => p.partition === target.partition)?.offset;
              const done = offset === undefined || offset === '-1' ? 0n : BigInt(offset);
              if (done < target.high) return false;
            }
          }
          return true;
        },
        timeoutMs,
        500,
      );
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}

// ---------------------------------------------------------------- saga state and API

export function sagaDb(env = stackEnv()): Knex {
  return knexFactory({
    client: 'pg',
    connection: env.DATABASE_ADMIN_URL!,
    searchPath: ['withdrawal_saga'],
    pool: { min: 0, max: 2 },
  });
}

export async function sagaWithdrawal(
  db: Knex,
  withdrawalId: string,
): Promise<Record<string, unknown> | undefined> {
  return db('withdrawal_saga.withdrawals')
    .where({ withdrawal_id: withdrawalId })
    .first<Record<string, unknown> | undefined>();
}

export function waitForSagaStatus(db: Knex, withdrawalId: string, status: string, timeoutMs = 60_000) {
  return waitUntil(
    `saga withdrawal ${withdrawalId} ${status}`,
    async () => {
      const row = await sagaWithdrawal(db, withdrawalId);
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
  );
}

/**
 * Waits until every outbox row the given services had written by now is published (or parked): what
 * they did in answer to the events they consumed so far is on Kafka. Rows written later do not count,
 * so other activity on the shared stack cannot keep it waiting.
 */
export async function waitForOutboxesFlushed(db: Knex, schemas: string[], timeoutMs = 60_000): Promise<void> {
  for (const schema of schemas) {
    const top = await db(`${schema}.outbox`).max<{ id: string | null }[]>({ id: 'id' });
    const upTo = top[0]?.id ?? '0';
    await waitUntil(
      `the ${schema} outbox to publish up to row ${upTo}`,
      async () => {
        const pending = await db(`${schema}.outbox`)
          .where('id', '<=', upTo)
          .whereNull('sent_at')
          .whereNull('parked_at')
          .count<{ count: string }[]>({ count: '*' });
        return Number(pending[0]!.count) === 0;
      },
      timeoutMs,
    );
  }
}

/** An operator token for the review API, signed with the stack's operator-token private key. */
export async function operatorToken(env = stackEnv(), subject = 'e2e-reviewer'): Promise<string> {
  const secrets = env.STACK_SECRETS_DIR!;
  const pem = readFileSync(path.join(secrets, 'operator-jwt-private.pem'), 'utf8');
  const key = await importPKCS8(pem, 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(subject)
    .setIssuer('dbay-operators')
    .setAudience('dbay-withdrawal-saga-ops')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

const reviewApiDocuments = new Map<string, Promise<OpenApiDocument>>();

/**
 * A call to the saga's review API. Every answer must match the OpenAPI document the saga serves at
 * GET /openapi.json (a documented status, a body that fits its schema), so these specs check it too.
 */
export async function sagaApi<T>(
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
  token?: string,
  baseUrl = SAGA_URL,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? (await operatorToken())}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  let document = reviewApiDocuments.get(baseUrl);
  if (!document) reviewApiDocuments.set(baseUrl, (document = fetchOpenApi(baseUrl)));
  expectMatchesOpenApi(await document, method, route, response.status, answer);
  return { status: response.status, body: answer };
}

// ---------------------------------------------------------------- hot wallet funding, contract style

export function accountXpub(env = stackEnv()): string {
  return readFileSync(path.join(env.STACK_SECRETS_DIR!, 'account-xpub.txt'), 'utf8').trim();
}

/**
 * Puts a confirmed coin into the hot wallet the way the deposit watcher does: pays a receive address
 * of the account (a high index no user is assigned), buries it 6 deep, and publishes deposit.confirmed
 * with the raw transaction. Used by the contract specs and the benchmark, which must not depend on
 * the watcher; the wallet specs deposit through the real watcher instead.
 */
export async function fundHotWallet(
  chain: Chain,
  bus: Bus,
  amountDoge: string,
  userId = `hot-wallet-${randomUUID()}`,
  { announceUnconfirmed = false } = {},
) {
  const index = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const derived = deriveAddress(accountXpub(), 'receive', index, regtest);
  const funded = await chain.fund(derived.address, amountDoge);
  // announceUnconfirmed: tell the saga the coin is confirmed while its funding transaction is still in
  // the mempool (a lying watcher), so a test can later make the coin vanish with drop-mempool.
  const blocks = announceUnconfirmed
    ? { blockHashes: [await chain.rpc<string>('getblockhash', [(await chain.height()) - 5])] }
    : await chain.mine(6);
  const tx = Transaction.fromHex(funded.hex);
  const amountKoinu = parseDoge(amountDoge);
  const script = Buffer.from(outputScriptForAddress(derived.address, regtest)).toString('hex');
  const vout = tx.outs.findIndex(
    (out) => out.value === amountKoinu && Buffer.from(out.script).toString('hex') === script,
  );
  if (vout < 0) throw new Error(`funding transaction ${funded.txid} does not pay ${derived.address}`);
  const height = await chain.height();
  const confirmed = {
    userId,
    address: derived.address,
    derivationPath: derived.path,
    txid: funded.txid,
    vout,
    amountKoinu: amountKoinu.toString(),
    blockHash: blocks.blockHashes[0]!,
    blockHeight: height - 5,
    confirmations: 6,
    rawTransactionHex: funded.hex,
  };
  await bus.produce(TOPICS.depositConfirmed, userId, confirmed);
  // `confirmed` is the deposit.confirmed payload produced, for a test that sends it again.
  return { txid: funded.txid, vout, address: derived.address, amountKoinu, confirmed };
}

// ---------------------------------------------------------------- the saga process

export async function stackScript(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('bash', [path.join(REPO_ROOT, 'scripts/stack.sh'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    timeout: 180_000,
  });
  return stdout;
}

export async function sagaAlive(baseUrl = SAGA_URL): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- replay

/** Every withdrawal.* topic the repository declares (schemas/<topic>.topic.json). */
export function withdrawalTopics(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'schemas'))
    .filter((file) => file.startsWith('withdrawal.') && file.endsWith('.topic.json'))
    .map((file) => file.slice(0, -'.topic.json'.length))
    .sort();
}

/**
 * Replays `topics` the way an operator would with kcat: dumps every partition from `since` (the end
 * offsets taken earlier, so a test replays what its own flow produced and the topics grow linearly
 * from run to run) or from its first offset, all before anything is produced back, so the replay is a
 * fixed copy; then produces each dump back to the same partition, byte for byte with its keys.
 */
export async function replayTopics(
  bus: Bus,
  topics: string[],
  since?: Map<string, number>,
): Promise<{ partitions: number; messages: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'withdrawal-replay-'));
  const dumps: { topic: string; partition: number; file: string }[] = [];
  for (const topic of topics) {
    for (const { partition, low, high } of await bus.partitionOffsets(topic)) {
      const fromOffset = Math.max(low, since?.get(`${topic}:${partition}`) ?? low);
      if (fromOffset >= high) continue;
      const file = path.join(dir, `${topic}-${partition}.kcat`);
      await kcatDump({ topic, partition, fromOffset, count: high - fromOffset }, file);
      dumps.push({ topic, partition, file });
    }
  }
  let messages = 0;
  for (const { topic, partition, file } of dumps) {
    messages += parseKcatDump(await readFile(file)).length;
    await kcatProduce(topic, file, partition);
  }
  return { partitions: dumps.length, messages };
}
