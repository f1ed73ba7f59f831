/**
 * The saga's configuration, validated at boot (a bad value stops the service with the variable's
 * name). Amounts are integer koinu strings; durations are milliseconds. Defaults are production's
 * policy; the local stack shortens the cool-down and the batching window in stack.env.sh.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@dbay/platform';
import { RECOMMENDED_FEE_RATE_KOINU_PER_KB, type NetworkName } from '@dbay/dogecoin';
import { dogecoinRpcConfigShape, dogecoinRpcOptions, requireDogecoinRpcCredentials } from '@dbay/chain-rpc';
import type { FraudPolicy } from './domain/fraud.js';
import type { SagaPolicy } from './use-cases/ports.js';

const koinu = z
  .string()
  .regex(/^\d{1,19}$/, 'expected integer koinu')
  .transform((text) => BigInt(text));
const ms = z.coerce.number().int().min(0);
const count = z.coerce.number().int().min(1);
const action = z.enum(['hold', 'reject']);
const DOGE = 100_000_000n;

/** Test-only crash points, in the order a withdrawal passes them (see docs/withdrawal-saga.md). */
export const CRASH_POINTS = [
  'after-signing-requested',
  'after-signed-before-store',
  'after-store-before-broadcast',
  'after-broadcast-before-record',
] as const;

const shape = {
  ...serviceConfigShape('withdrawal-saga'),
  DOGECOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
  /** The node: endpoint, credentials, timeout and circuit breaker, as every service reaches it. */
  ...dogecoinRpcConfigShape,
  /** The account extended public key m/44'/3'/0' (tpub on regtest), inline or from a file. */
  ACCOUNT_XPUB: z.string().optional(),
  ACCOUNT_XPUB_FILE: z.string().optional(),
  /**
   * Public key (SPKI PEM, ES256) that verifies service tokens of the internal API, inline or from a
   * file: the platform's one service-token key pair, as the wallet's internal API uses it.
   */
  SERVICE_JWT_PUBLIC_KEY: z.string().optional(),
  SERVICE_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  SERVICE_JWT_ISSUER: z.string().min(1).default('dbay-services'),
  SERVICE_JWT_AUDIENCE: z.string().min(1).default('dbay-withdrawal-saga-internal'),
  /** Comma-separated token subjects (calling services) allowed to use the review API; empty: any. */
  SERVICE_JWT_ALLOWED_SUBJECTS: z.string().default(''),

  FRAUD_SINGLE_AMOUNT_HOLD_KOINU: koinu.default(10_000n * DOGE),
  FRAUD_SINGLE_AMOUNT_REJECT_KOINU: koinu.optional(),
  FRAUD_VELOCITY_WINDOW_MS: count.default(24 * 60 * 60 * 1000),
  FRAUD_VELOCITY_MAX_COUNT: count.default(10),
  FRAUD_VELOCITY_MAX_AMOUNT_KOINU: koinu.default(50_000n * DOGE),
  FRAUD_VELOCITY_ACTION: action.default('hold'),
  FRAUD_NEW_DESTINATION_COOLDOWN_MS: ms.default(60 * 60 * 1000),
  FRAUD_PLATFORM_DAILY_CAP_KOINU: koinu.default(1_000_000n * DOGE),
  FRAUD_PLATFORM_CAP_ACTION: action.default('hold'),

  FEE_RATE_KOINU_PER_KB: koinu.default(RECOMMENDED_FEE_RATE_KOINU_PER_KB),
  MAX_FEE_RATE_KOINU_PER_KB: koinu.default(2n * RECOMMENDED_FEE_RATE_KOINU_PER_KB),
  BATCH_WINDOW_MS: ms.default(30_000),
  BATCH_MAX_WITHDRAWALS: count.default(50),
  BATCH_MAX_INPUTS: count.default(200),
  BATCH_TICK_MS: count.default(1_000),
  BROADCAST_TICK_MS: count.default(500),
  TRACK_TICK_MS: count.default(5_000),
  REQUIRED_CONFIRMATIONS: count.default(6),
  CHANGE_MIN_CONFIRMATIONS: count.default(1),
  DROP_CONFIRMATION_CHECKS: count.default(3),
  /**
   * The consumer's Kafka session: a process that died without leaving its group (SIGKILL, OOM) holds
   * its partitions until this runs out. Kafka's default (30 s) in production; shorter locally, where
   * the crash tests kill the saga on purpose. The heartbeat must stay well below the session.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(3_000),
  /** Tests only: kill the process at this point of a withdrawal's path. */
  SAGA_CRASH_AT: z.enum(CRASH_POINTS).optional(),
  /**
   * Tests only: with SAGA_CRASH_AT, kill only for a transaction paying this address, so a test on the
   * shared stack crashes on its own withdrawal, not on whichever batch reaches the point first.
   */
  SAGA_CRASH_FOR_ADDRESS: z.string().min(1).optional(),
};

export type SagaConfig = ReturnType<typeof loadSagaConfig>;

function inlineOrFile(inline: string | undefined, file: string | undefined, what: string): string {
  if (inline) return inline;
  if (file) return readFileSync(file, 'utf8').trim();
  throw new Error(`${what} is not configured (set it inline or as a file path)`);
}

export function loadSagaConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  const raw = loadConfig(z.object(shape).superRefine(requireDogecoinRpcCredentials), env);
  if (raw.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > raw.KAFKA_SESSION_TIMEOUT_MS)
    throw new Error('KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS');
  const fraud: FraudPolicy = {
    singleAmountHoldKoinu: raw.FRAUD_SINGLE_AMOUNT_HOLD_KOINU,
    singleAmountRejectKoinu: raw.FRAUD_SINGLE_AMOUNT_REJECT_KOINU ?? null,
    velocityWindowMs: raw.FRAUD_VELOCITY_WINDOW_MS,
    velocityMaxCount: raw.FRAUD_VELOCITY_MAX_COUNT,
    velocityMaxAmountKoinu: raw.FRAUD_VELOCITY_MAX_AMOUNT_KOINU,
    velocityAction: raw.FRAUD_VELOCITY_ACTION,
    newDestinationCooldownMs: raw.FRAUD_NEW_DESTINATION_COOLDOWN_MS,
    platformDailyCapKoinu: raw.FRAUD_PLATFORM_DAILY_CAP_KOINU,
    platformCapAction: raw.FRAUD_PLATFORM_CAP_ACTION,
  };
  const policy: SagaPolicy = {
    fraud,
    batch: {
      feeRateKoinuPerKb: raw.FEE_RATE_KOINU_PER_KB,
      maxFeeRateKoinuPerKb: raw.MAX_FEE_RATE_KOINU_PER_KB,
      maxInputs: raw.BATCH_MAX_INPUTS,
      maxWithdrawalsPerBatch: raw.BATCH_MAX_WITHDRAWALS,
      batchWindowMs: raw.BATCH_WINDOW_MS,
    },
    requiredConfirmations: raw.REQUIRED_CONFIRMATIONS,
    changeMinConfirmations: raw.CHANGE_MIN_CONFIRMATIONS,
    dropConfirmationChecks: raw.DROP_CONFIRMATION_CHECKS,
  };
  return {
    serviceName: raw.SERVICE_NAME,
    httpPort: raw.HTTP_PORT,
    kafkaBrokers: raw.KAFKA_BROKERS,
    schemaRegistryUrl: raw.SCHEMA_REGISTRY_URL,
    databaseUrl: raw.DATABASE_URL,
    dbSchema: raw.DB_SCHEMA,
    network: raw.DOGECOIN_NETWORK satisfies NetworkName,
    rpc: dogecoinRpcOptions(raw),
    accountXpub: () => inlineOrFile(raw.ACCOUNT_XPUB, raw.ACCOUNT_XPUB_FILE, 'ACCOUNT_XPUB'),
    serviceToken: {
      publicKeyPem: () =>
        inlineOrFile(raw.SERVICE_JWT_PUBLIC_KEY, raw.SERVICE_JWT_PUBLIC_KEY_FILE, 'SERVICE_JWT_PUBLIC_KEY'),
      issuer: raw.SERVICE_JWT_ISSUER,
      audience: raw.SERVICE_JWT_AUDIENCE,
      allowedSubjects: raw.SERVICE_JWT_ALLOWED_SUBJECTS.split(',')
        .map((subject) => subject.trim())
        .filter(Boolean),
    },
    ticks: { batchMs: raw.BATCH_TICK_MS, broadcastMs: raw.BROADCAST_TICK_MS, trackMs: raw.TRACK_TICK_MS },
    kafkaConsumer: {
      sessionTimeout: raw.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: raw.KAFKA_HEARTBEAT_INTERVAL_MS,
    },
    crashAt: raw.SAGA_CRASH_AT,
    crashForAddress: raw.SAGA_CRASH_FOR_ADDRESS,
    policy,
  };
}
