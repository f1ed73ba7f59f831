/**
 * What the wallet's integration tests need: the wallet under test (support/sandbox.ts: the real service
 * on a throwaway database and broker, never the stack's books), tokens minted from the stack's private
 * keys (scripts/lib/parts.sh generated them; the sandboxed wallet trusts their public halves), an HTTP
 * client, and an in-process executor on the real Postgres and Redis (for tests that must control Redis
 * or the lock TTL).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { SignJWT, importPKCS8, type CryptoKey, type JWTPayload } from 'jose';
import { Counter, Registry } from 'prom-client';
import { pino } from 'pino';
import { createKnex } from '@dbay/platform';
import { expectMatchesOpenApi, fetchOpenApi, stackEndpoints, type OpenApiDocument } from '@dbay/testing';
import { regtest } from '@dbay/dogecoin';
import { koinuFromDecimalColumn } from '@dbay/money';
import { CommandExecutor, createExecutorMetrics } from '../../src/command-executor.js';
import type { CommandOutcome, CommandRequest, WalletLocks } from '../../src/use-cases/ports.js';
import {
  RedlockWalletLocks,
  createLockRedis,
  DEFAULT_WALLET_LOCK_SETTINGS,
  type WalletLockSettings,
} from '../../src/adapters/wallet-locks.js';
import type { Command } from '../../src/domain/index.js';
import { DepositAddresses } from '../../src/adapters/deposit-addresses.js';
import { sandbox } from './sandbox.js';

export type { Command };

export const stack = stackEndpoints();
// The wallet under test (support/sandbox.ts) exists once its root hook has run: these are live bindings,
// set by the root hook below (registered after the sandbox's, so it runs after it). Read them in hooks
// and tests, not while a describe block is being declared.
/** The wallet under test: the real service on a database and broker of its own. */
export let WALLET_URL: string;
/** /metrics is served on the wallet's metrics port only, never on WALLET_URL. */
export let WALLET_METRICS_URL: string;
export let WALLET_DATABASE_URL: string;
/** The broker the wallet under test consumes from and publishes to (not the stack's). */
export let WALLET_KAFKA_BROKERS: string[];

before(() => {
  ({
    url: WALLET_URL,
    metricsUrl: WALLET_METRICS_URL,
    databaseUrl: WALLET_DATABASE_URL,
    kafkaBrokers: WALLET_KAFKA_BROKERS,
  } = sandbox);
});
/** The stack's key files: the wallet under test trusts the same public halves as the stack's wallet. */
export const SECRETS_DIR = stack.secretsDir;
export const DOGE = 100_000_000n;
/** The service's defaults (config.ts), which the running wallet uses unless the stack overrides them. */
export const NETWORK_FEE_KOINU = 100_000_000n;
export const MINIMUM_WITHDRAWAL_KOINU = 100_000_000n;
export const silentLogger = pino({ level: 'silent' });

export function walletKnex(poolMax = 10, connectionString = WALLET_DATABASE_URL): Knex {
  return createKnex({ connectionString, schema: 'wallet', poolMax });
}

const keyCache = new Map<string, Promise<CryptoKey>>();
function privateKey(name: 'user-jwt' | 'service-jwt'): Promise<CryptoKey> {
  let key = keyCache.get(name);
  if (!key) {
    key = importPKCS8(readFileSync(path.join(SECRETS_DIR, `${name}-private.pem`), 'utf8'), 'ES256');
    keyCache.set(name, key);
  }
  return key;
}

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  /** null: no exp claim at all. */
  expiresIn?: string | number | null;
  claims?: JWTPayload;
}

export async function userToken(userId: string, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(userId)
    .setIssuer(options.issuer ?? 'dbay-auth')
    .setAudience(options.audience ?? 'dbay-wallet')
    .setIssuedAt();
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '10m');
  return jwt.sign(await privateKey('user-jwt'));
}

export async function serviceToken(name = 'order', options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(name)
    .setIssuer(options.issuer ?? 'dbay-services')
    .setAudience(options.audience ?? 'dbay-wallet-internal')
    .setIssuedAt();
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '10m');
  return jwt.sign(await privateKey('service-jwt'));
}

export interface ApiResponse {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  text: string;
  headers: Headers;
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export async function api(method: string, route: string, options: ApiOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${WALLET_URL}${route}`, { method, headers, body });
  const text = await response.text();
  let parsed: ApiResponse['body'] = {};
  try {
    parsed = JSON.parse(text) as ApiResponse['body'];
  } catch {
    // Leave the body empty; tests that care look at `text`.
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/**
 * `api` whose answer must match the OpenAPI document the running wallet serves (GET /openapi.json):
 * a documented status for the route, and a body that fits its schema.
 */
export async function documentedApi(
  doc: OpenApiDocument,
  method: string,
  route: string,
  options: ApiOptions = {},
): Promise<ApiResponse> {
  const response = await api(method, route, options);
  expectMatchesOpenApi(doc, method, route, response.status, response.body);
  return response;
}

export const walletOpenApi = (): Promise<OpenApiDocument> => fetchOpenApi(WALLET_URL);

export interface TestExecutor {
  executor: CommandExecutor;
  knex: Knex;
  close(): Promise<void>;
}

/**
 * An executor like the service's, on the real Postgres and a Redis of the test's choosing. The database
 * is the sandboxed wallet's unless `databaseUrl` names another that carries the wallet's schema (the
 * reconciler's end-to-end spec writes its throwaway book this way).
 */
export function testExecutor(
  options: {
    databaseUrl?: string;
    redisUrl?: string;
    lock?: Partial<WalletLockSettings>;
    wrapLocks?: (locks: WalletLocks) => WalletLocks;
    maxBatchSize?: number;
    maxConcurrentBatches?: number;
    poolMax?: number;
  } = {},
): TestExecutor {
  const knex = walletKnex(options.poolMax ?? 5, options.databaseUrl);
  const registry = new Registry();
  const redis = createLockRedis(options.redisUrl ?? stack.redisUrl);
  const locks = new RedlockWalletLocks(
    redis,
    { ...DEFAULT_WALLET_LOCK_SETTINGS, ...options.lock },
    silentLogger,
    new Counter({ name: 'degraded', help: 'degraded', labelNames: ['reason'], registers: [registry] }),
  );
  const executor = new CommandExecutor({
    knex,
    locks: options.wrapLocks ? options.wrapLocks(locks) : locks,
    policy: {
      network: regtest,
      withdrawalMinimumKoinu: MINIMUM_WITHDRAWAL_KOINU,
      withdrawalNetworkFeeKoinu: NETWORK_FEE_KOINU,
    },
    logger: silentLogger,
    metrics: createExecutorMetrics(registry),
    settings: {
      maxBatchSize: options.maxBatchSize ?? 200,
      ...(options.maxConcurrentBatches === undefined
        ? {}
        : { maxConcurrentBatches: options.maxConcurrentBatches }),
    },
  });
  return {
    executor,
    knex,
    close: async () => {
      await executor.drain();
      await locks.close();
      await knex.destroy();
    },
  };
}

export function request(
  command: Command,
  scope = 'service:wallet-tests',
  idempotencyKey: string = randomUUID(),
): CommandRequest {
  return { command, scope, idempotencyKey, correlationId: randomUUID(), causationId: null };
}

export const randomTxid = (): string => randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');

/** The stack's account xpub (the signer wrote it), from which the wallet under test derives addresses. */
const accountXpub = () => readFileSync(path.join(SECRETS_DIR, 'account-xpub.txt'), 'utf8').trim();

/**
 * The user's deposit address, assigned (on first call) through the wallet's own adapter on the
 * executor's database, as POST /v1/deposit-address does.
 */
export async function depositAddressOf(funder: TestExecutor, userId: string): Promise<string> {
  const addresses = new DepositAddresses(funder.knex, regtest, accountXpub);
  return (await addresses.assign(userId, randomUUID())).address.address;
}

/**
 * Credits a confirmed deposit to the user through the domain (the path deposit.confirmed takes), at
 * the user's assigned deposit address (the wallet refuses a deposit anywhere else).
 */
export async function fund(
  funder: TestExecutor,
  userId: string,
  amountKoinu: bigint,
): Promise<CommandOutcome> {
  const outcome = await funder.executor.execute(
    request({
      type: 'CreditDeposit',
      userId,
      address: await depositAddressOf(funder, userId),
      txid: randomTxid(),
      vout: 0,
      amountKoinu,
      confirmations: 6,
      blockHash: null,
      blockHeight: null,
      eventOccurredAt: new Date().toISOString(),
    }),
  );
  expect(outcome.kind).to.equal('accepted');
  return outcome;
}

export interface Balance {
  available: bigint;
  locked: bigint;
  pending: bigint;
  version: number;
}

export async function balanceOf(knex: Knex, userId: string): Promise<Balance | undefined> {
  const row = (await knex('wallet_balances').where({ user_id: userId }).first()) as
    { available: string; locked: string; pending: string; version: string } | undefined;
  if (!row) return undefined;
  return {
    available: koinuFromDecimalColumn(row.available),
    locked: koinuFromDecimalColumn(row.locked),
    pending: koinuFromDecimalColumn(row.pending),
    version: Number(row.version),
  };
}

/**
 * The reconciliation the seed asks for, in SQL on the real tables: for the given users, each bucket
 * equals its entries' credits minus debits, nothing is negative; platform accounts equal their
 * entries; and the whole ledger, and all balances together, sum to zero.
 */
export async function expectReconciled(knex: Knex, userIds: string[]): Promise<void> {
  const perBucket = await knex.raw<{
    rows: { user_id: string; bucket: string; balance: string; net: string }[];
  }>(
    `SELECT w.user_id, b.bucket,
            CASE b.bucket WHEN 'AVAILABLE' THEN w.available WHEN 'LOCKED' THEN w.locked ELSE w.pending END AS balance,
            COALESCE((SELECT SUM(credit) - SUM(debit) FROM ledger_entries e WHERE e.user_id = w.user_id AND e.bucket = b.bucket), 0) AS net
       FROM wallet_balances w CROSS JOIN (VALUES ('AVAILABLE'), ('LOCKED'), ('PENDING')) AS b(bucket)
      WHERE w.user_id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid)`,
    [JSON.stringify(userIds)],
  );
  for (const row of perBucket.rows) {
    expect(koinuFromDecimalColumn(row.net), `${row.bucket} of ${row.user_id}`).to.equal(
      koinuFromDecimalColumn(row.balance),
    );
    expect(koinuFromDecimalColumn(row.balance) >= 0n, `${row.bucket} of ${row.user_id} negative`).to.equal(
      true,
    );
  }
  // One statement, one snapshot: every committed transaction is balanced, so the sums are exact.
  const totals = await knex.raw<{
    rows: { ledger: string; balances: string; platform_mismatches: string }[];
  }>(
    `SELECT (SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM ledger_entries) AS ledger,
            (SELECT COALESCE(SUM(available + locked + pending), 0) FROM wallet_balances)
              + (SELECT SUM(balance) FROM platform_accounts) AS balances,
            (SELECT COUNT(*) FROM platform_accounts p
              WHERE p.balance <> COALESCE((SELECT SUM(credit) - SUM(debit) FROM ledger_entries e WHERE e.platform_account = p.code), 0)) AS platform_mismatches`,
  );
  const totalsRow = totals.rows[0]!;
  expect(koinuFromDecimalColumn(totalsRow.ledger), 'ledger sums to zero').to.equal(0n);
  expect(koinuFromDecimalColumn(totalsRow.balances), 'balances sum to zero').to.equal(0n);
  expect(Number(totalsRow.platform_mismatches), 'platform accounts match their entries').to.equal(0);
}

/**
 * Everything a user's money is made of, for "nothing changed" assertions: the users' balances, their
 * ledger entries, the escrows they are party to, their bid locks and withdrawals, and the platform
 * accounts. Timestamps are left out only where nothing but time could differ.
 */
export async function moneySnapshot(knex: Knex, userIds: string[]): Promise<unknown> {
  const ids = JSON.stringify(userIds);
  const within = `(SELECT jsonb_array_elements_text(?::jsonb)::uuid)`;
  const select = async (sql: string, bindings: Knex.RawBinding[] = [ids]) =>
    (await knex.raw<{ rows: unknown[] }>(sql, bindings)).rows;
  return {
    balances: await select(`SELECT * FROM wallet_balances WHERE user_id IN ${within} ORDER BY user_id`),
    ledger: await select(`SELECT * FROM ledger_entries WHERE user_id IN ${within} ORDER BY seq`),
    escrows: await select(
      `SELECT * FROM escrow WHERE buyer_id IN ${within} OR seller_id IN ${within} ORDER BY order_id`,
      [ids, ids],
    ),
    bidLocks: await select(`SELECT * FROM bid_locks WHERE user_id IN ${within} ORDER BY auction_id`),
    withdrawals: await select(`SELECT * FROM withdrawal_requests WHERE user_id IN ${within} ORDER BY id`),
    deposits: await select(`SELECT * FROM deposits WHERE user_id IN ${within} ORDER BY txid, vout`),
  };
}

/** The ledger entries of one user, oldest first, as koinu. */
export async function ledgerOf(
  knex: Knex,
  userId: string,
): Promise<{ entryType: string; bucket: string; debit: bigint; credit: bigint; referenceId: string }[]> {
  const rows = await knex('ledger_entries')
    .where({ user_id: userId })
    .orderBy('seq')
    .select<{ entry_type: string; bucket: string; debit: string; credit: string; reference_id: string }[]>(
      'entry_type',
      'bucket',
      'debit',
      'credit',
      'reference_id',
    );
  return rows.map((row) => ({
    entryType: row.entry_type,
    bucket: row.bucket,
    debit: koinuFromDecimalColumn(row.debit),
    credit: koinuFromDecimalColumn(row.credit),
    referenceId: row.reference_id,
  }));
}

/** One platform account's balance in koinu. */
export async function platformBalance(knex: Knex, code: string): Promise<bigint> {
  const row = await knex('platform_accounts').where({ code }).first<{ balance: string }>('balance');
  return koinuFromDecimalColumn(row.balance);
}

/** The outbox events the wallet queued for one Kafka key, oldest first. */
export async function outboxFor(
  knex: Knex,
  key: string,
): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  return knex('outbox')
    .where({ message_key: key })
    .orderBy('id')
    .select<{ topic: string; payload: Record<string, unknown> }[]>('topic', 'payload');
}

/** Net movement of one reference (order, auction, withdrawal, tx) per user bucket or platform account, in koinu. */
export async function movedBy(knex: Knex, referenceId: string): Promise<Record<string, bigint>> {
  const rows = await knex('ledger_entries').where({ reference_id: referenceId }).select<
    {
      user_id: string | null;
      bucket: string;
      platform_account: string | null;
      debit: string;
      credit: string;
    }[]
  >('user_id', 'bucket', 'platform_account', 'debit', 'credit');
  const moved: Record<string, bigint> = {};
  for (const row of rows) {
    const account = row.platform_account ?? `${row.user_id}:${row.bucket}`;
    moved[account] =
      (moved[account] ?? 0n) + koinuFromDecimalColumn(row.credit) - koinuFromDecimalColumn(row.debit);
  }
  return Object.fromEntries(Object.entries(moved).filter(([, value]) => value !== 0n));
}
