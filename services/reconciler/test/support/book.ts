/**
 * A world for the reconciler's end-to-end spec (e2e/reconciler.e2e.spec.ts): a throwaway database carrying
 * the real migrations of the wallet, the deposit watcher, the withdrawal saga, the order service and the
 * reconciler itself, the watcher's and the saga's records of the same money,
 * and real coins on the regtest simulator that we hold the keys to (so a test can spend one behind the
 * platform's back). The spec writes the book through the wallet's own executor, from the wallet's test
 * support: this file is the reconciler's and imports nothing of another service. The stack's own
 * database is never touched: other suites inject synthetic events there, which a reconciler rightly
 * reports.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Psbt, Transaction } from 'bitcoinjs-lib';
import knexFactory, { type Knex } from 'knex';
import { ECPair, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge } from '@dbay/money';
import { DogecoinRpcClient } from '@dbay/chain-rpc';
import {
  REPO_ROOT,
  ThrowawayDatabase,
  dogecoinRpcPassword,
  stackEndpoints,
  stackKafkaClientEnv,
} from '@dbay/testing';

const run = promisify(execFile);
export const stack = stackEndpoints();
export const DOGE = 100_000_000n;

/**
 * The reconciler's world: a throwaway database (@dbay/testing) with the schemas of every service it
 * reads, each owned and migrated by its owner role as on the stack, the reconciler's role allowed to read them all,
 * and a superuser connection (`admin`) that writes the other services' records of the book.
 */
export class ThrowawayBook {
  private constructor(
    private readonly database: ThrowawayDatabase,
    readonly admin: Knex,
  ) {}

  static async create(): Promise<ThrowawayBook> {
    const database = await ThrowawayDatabase.create({
      name: `dbay_reconcile_${randomBytes(5).toString('hex')}`,
      services: ['wallet', 'deposit-watcher', 'withdrawal-saga', 'order', 'reconciler'],
      readers: ['reconciler'],
    });
    const admin = knexFactory({ client: 'pg', connection: database.adminUrl, pool: { min: 0, max: 4 } });
    return new ThrowawayBook(database, admin);
  }

  get name(): string {
    return this.database.name;
  }

  /** The superuser's connection, for the wallet's executor that writes the book. */
  get adminUrl(): string {
    return this.database.adminUrl;
  }

  /** The reconciler's connection: its own login role, read-only on every other schema. */
  get reconcilerUrl(): string {
    return this.database.urlOf('reconciler');
  }

  async drop(): Promise<void> {
    await this.admin.destroy();
    await this.database.drop();
  }
}

/** The regtest simulator: its RPC for reads and broadcasts, its control endpoint for the faucet and mining. */
export class Chain {
  readonly rpc = new DogecoinRpcClient({
    url: stack.dogecoinRpc.url,
    user: stack.dogecoinRpc.user,
    password: dogecoinRpcPassword(),
  });
  private readonly auth = `Basic ${Buffer.from(`${stack.dogecoinRpc.user}:${dogecoinRpcPassword()}`).toString('base64')}`;

  async control<T>(command: string, body: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${stack.dogecoinRpc.url}/control/${command}`, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { result?: T; error?: { code: string; message: string } };
    if (!response.ok || answer.result === undefined) {
      throw new Error(
        `simulator control ${command}: ${response.status} ${JSON.stringify(answer.error ?? answer)}`,
      );
    }
    return answer.result;
  }

  async mine(blocks: number): Promise<void> {
    await this.control('mine', { blocks });
  }
}

/** A coin on the simulator's chain paying a key this test holds. */
export interface HeldCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  address: string;
  rawTransactionHex: string;
  key: ReturnType<typeof ECPair.makeRandom>;
}

/** A fresh key of ours and its regtest address. */
export function newKey(): { key: ReturnType<typeof ECPair.makeRandom>; address: string } {
  const key = ECPair.makeRandom({ network: regtest });
  return { key, address: p2pkhAddress(key.publicKey, regtest) };
}

export async function fundKey(chain: Chain, amountKoinu: bigint): Promise<HeldCoin> {
  const { key, address } = newKey();
  const funded = await chain.control<{ txid: string; hex: string }>('fund', {
    address,
    amount: formatDoge(amountKoinu),
  });
  const vout = Transaction.fromHex(funded.hex).outs.findIndex((out) => out.value === amountKoinu);
  if (vout < 0) throw new Error(`faucet transaction ${funded.txid} does not pay ${address}`);
  return { txid: funded.txid, vout, amountKoinu, address, rawTransactionHex: funded.hex, key };
}

/** Spends a held coin to the given outputs (the rest is the miner's fee) and broadcasts it. */
export async function spend(
  chain: Chain,
  coin: HeldCoin,
  outputs: Array<{ address: string; valueKoinu: bigint }>,
): Promise<string> {
  const psbt = new Psbt({ network: regtest });
  psbt.addInput({
    hash: coin.txid,
    index: coin.vout,
    nonWitnessUtxo: Buffer.from(coin.rawTransactionHex, 'hex'),
  });
  for (const output of outputs) psbt.addOutput({ address: output.address, value: output.valueKoinu });
  psbt.signAllInputs(coin.key).finalizeAllInputs();
  const hex = psbt.extractTransaction(true).toHex();
  return chain.rpc.sendRawTransaction(hex);
}

export interface ReconcileRun {
  exitCode: number | null;
  report: {
    clean: boolean;
    runId: string;
    checks: Array<{ check: string; findings: number; examined: number }>;
    findings: Array<{
      check: string;
      subjectType: string;
      subjectId: string;
      expected: string;
      actual: string;
      detail: string;
    }>;
  };
  stderr: string;
}

/** Runs the one-shot reconciler as the CronJob does: its own process, its own role, real Kafka and node. */
export async function runReconciler(db: ThrowawayBook): Promise<ReconcileRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: db.reconcilerUrl,
    DB_SCHEMA: 'reconciler',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    ...stackKafkaClientEnv('reconciler'),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    REDIS_URL: stack.redisUrl,
    DOGECOIN_RPC_URL: stack.dogecoinRpc.url,
    DOGECOIN_RPC_USER: stack.dogecoinRpc.user,
    DOGECOIN_RPC_PASSWORD_FILE: stack.dogecoinRpc.passwordFile,
    LOG_LEVEL: 'info',
  };
  const main = path.join(REPO_ROOT, 'services/reconciler/src/main.ts');
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, '--once'], {
      cwd: REPO_ROOT,
      env,
      timeout: 90_000,
    });
    return { exitCode: 0, report: JSON.parse(stdout) as ReconcileRun['report'], stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number' || !failed.stdout) throw error;
    return {
      exitCode: failed.code,
      report: JSON.parse(failed.stdout) as ReconcileRun['report'],
      stderr: failed.stderr ?? '',
    };
  }
}
