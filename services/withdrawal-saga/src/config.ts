/**
 * The saga's configuration, validated at boot (a bad value stops the service with the variable's
 * name). Amounts are integer koinu strings; durations are milliseconds. Defaults are production's
 * policy; the local stack shortens the cool-down and the batching window in stack.env.sh.
 */
import { z } from 'zod';
import { KOINU_PER_DOGE } from '@dbay/money';
import { configPieces, readSecret, secretVariables, type PlatformConfigShape } from '@dbay/platform';
import {
  DEFAULT_CONFIRMATION_DEPTH,
  RECOMMENDED_FEE_RATE_KOINU_PER_KB,
  type NetworkName,
} from '@dbay/dogecoin';
import { dogecoinRpcConfigShape, dogecoinRpcOptions, requireDogecoinRpcCredentials } from '@dbay/chain-rpc';
import type { FraudPolicy } from './domain/fraud.js';
import type { SagaPolicy } from './use-cases/ports.js';
import type { HotColdPolicy } from './domain/sweep-plan.js';

const koinu = (fallback?: bigint) => configPieces.koinu({ fallback, minKoinu: 1n });
const ms = z.coerce.number().int().min(0);
const count = z.coerce.number().int().min(1);
const action = z.enum(['hold', 'reject']);
const DOGE = KOINU_PER_DOGE;

/** Test-only crash points, in the order a withdrawal passes them (see docs/withdrawal-saga.md). */
export const CRASH_POINTS = [
  'after-signing-requested',
  'after-signed-before-store',
  'after-store-before-broadcast',
  'after-broadcast-before-record',
] as const;

const sagaShape = (platform: PlatformConfigShape) => ({
  ...platform,
  DOGECOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
  /** The node: endpoint, credentials, timeout and circuit breaker, as every service reaches it. */
  ...dogecoinRpcConfigShape,
  /** The account extended public key m/44'/3'/0' (tpub on regtest), inline or from a file. */
  ...secretVariables('ACCOUNT_XPUB'),
  /**
   * Public key (SPKI PEM, ES256) that verifies operator tokens: the review API is for people of the
   * platform's staff, each recorded by name with their decision. Service tokens are refused there.
   */
  ...secretVariables('OPERATOR_JWT_PUBLIC_KEY'),
  OPERATOR_JWT_ISSUER: z.string().min(1).default('dbay-operators'),
  OPERATOR_JWT_AUDIENCE: z.string().min(1).default('dbay-withdrawal-saga-ops'),

  FRAUD_SINGLE_AMOUNT_HOLD_KOINU: koinu(10_000n * DOGE),
  FRAUD_SINGLE_AMOUNT_REJECT_KOINU: koinu().optional(),
  FRAUD_VELOCITY_WINDOW_MS: count.default(24 * 60 * 60 * 1000),
  FRAUD_VELOCITY_MAX_COUNT: count.default(10),
  FRAUD_VELOCITY_MAX_AMOUNT_KOINU: koinu(50_000n * DOGE),
  FRAUD_VELOCITY_ACTION: action.default('hold'),
  FRAUD_NEW_DESTINATION_COOLDOWN_MS: ms.default(60 * 60 * 1000),
  FRAUD_PLATFORM_DAILY_CAP_KOINU: koinu(1_000_000n * DOGE),
  FRAUD_PLATFORM_CAP_ACTION: action.default('hold'),

  FEE_RATE_KOINU_PER_KB: koinu(RECOMMENDED_FEE_RATE_KOINU_PER_KB),
  MAX_FEE_RATE_KOINU_PER_KB: koinu(2n * RECOMMENDED_FEE_RATE_KOINU_PER_KB),
  BATCH_WINDOW_MS: ms.default(30_000),
  BATCH_MAX_WITHDRAWALS: count.default(50),
  BATCH_MAX_INPUTS: count.default(200),
  BATCH_MAX_PREVIOUS_TX_BYTES: count.default(600_000),
  BATCH_TICK_MS: count.default(1_000),
  BROADCAST_TICK_MS: count.default(500),
  TRACK_TICK_MS: count.default(5_000),
  REQUIRED_CONFIRMATIONS: count.default(DEFAULT_CONFIRMATION_DEPTH),
  CHANGE_MIN_CONFIRMATIONS: count.default(1),
  DROP_CONFIRMATION_CHECKS: count.default(3),
  /**
   * After withdrawal.confirmed the saga keeps watching the transaction for reorganisations deeper than
   * REQUIRED_CONFIRMATIONS until it is this deep (100 blocks, about 100 minutes on Dogecoin).
   */
  REORG_WATCH_CONFIRMATIONS: count.default(100),
  /**
   * Child-pays-for-parent: a broadcast withdrawal transaction still unconfirmed FEE_BUMP_AFTER_BLOCKS
   * blocks later is bumped from its change, lifting its package to FEE_BUMP_RATE_KOINU_PER_KB, with a fee
   * of at most FEE_BUMP_MAX_FEE_KOINU. FEE_BUMP_MAX_TIMES is 1 (0: never): a second bump would spend the
   * first one's change, and the signer, which sees only a bump's direct parent, bounds its fee by that
   * parent's bytes alone, too little to lift the whole package again.
   */
  FEE_BUMP_AFTER_BLOCKS: count.default(10),
  FEE_BUMP_RATE_KOINU_PER_KB: koinu(5n * RECOMMENDED_FEE_RATE_KOINU_PER_KB),
  FEE_BUMP_MAX_TIMES: z.coerce.number().int().min(0).max(1).default(1),
  FEE_BUMP_MAX_FEE_KOINU: koinu(DOGE),
  /**
   * Hot and cold (domain/sweep-plan.ts). The cold account's extended public key (account level, its
   * keys never on a machine of the platform), inline or from a file. Above HOT_WALLET_CEILING_KOINU
   * (after the approved withdrawals still owed) the excess is swept to cold once it reaches
   * HOT_WALLET_SWEEP_MIN_KOINU; below HOT_WALLET_FLOOR_KOINU an operator alert asks for a refill. No
   * ceiling: nothing is swept; no floor: no alert.
   */
  ...secretVariables('COLD_ACCOUNT_XPUB'),
  HOT_WALLET_CEILING_KOINU: koinu().optional(),
  HOT_WALLET_FLOOR_KOINU: koinu().optional(),
  HOT_WALLET_SWEEP_MIN_KOINU: koinu(100n * DOGE),
  /**
   * The longest an approved withdrawal waits for the hot wallet's coins (WAITING_FOR_FUNDS) before it
   * fails with WITHDRAWAL_FUNDS_WAIT_EXPIRED and the user's money returns to available. 1 h.
   */
  WITHDRAWAL_FUNDS_TIMEOUT_MS: count.default(60 * 60 * 1000),
  /** Tests only: kill the process at this point of a withdrawal's path. */
  SAGA_CRASH_AT: z.enum(CRASH_POINTS).optional(),
  /**
   * Tests only: with SAGA_CRASH_AT, kill only for a transaction paying this address, so a test on the
   * shared stack crashes on its own withdrawal, not on whichever batch reaches the point first.
   */
  SAGA_CRASH_FOR_ADDRESS: z.string().min(1).optional(),
});

/** The saga's whole environment, on the platform's shape. */
export const sagaConfig = (platform: PlatformConfigShape) =>
  z
    .object(sagaShape(platform))
    .superRefine(requireDogecoinRpcCredentials)
    .superRefine((raw, ctx) => {
      if (raw.HOT_WALLET_CEILING_KOINU !== undefined && !raw.COLD_ACCOUNT_XPUB && !raw.COLD_ACCOUNT_XPUB_FILE)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['COLD_ACCOUNT_XPUB'],
          message: 'COLD_ACCOUNT_XPUB or COLD_ACCOUNT_XPUB_FILE is required with HOT_WALLET_CEILING_KOINU',
        });
      if (
        raw.HOT_WALLET_CEILING_KOINU !== undefined &&
        raw.HOT_WALLET_FLOOR_KOINU !== undefined &&
        raw.HOT_WALLET_FLOOR_KOINU >= raw.HOT_WALLET_CEILING_KOINU
      )
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['HOT_WALLET_FLOOR_KOINU'],
          message: 'must be below HOT_WALLET_CEILING_KOINU',
        });
      if (raw.REORG_WATCH_CONFIRMATIONS <= raw.REQUIRED_CONFIRMATIONS)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['REORG_WATCH_CONFIRMATIONS'],
          message: `must be greater than REQUIRED_CONFIRMATIONS (${raw.REQUIRED_CONFIRMATIONS})`,
        });
    });

export type SagaEnvironment = z.output<ReturnType<typeof sagaConfig>>;
export type SagaConfig = ReturnType<typeof sagaSettings>;

/** The parsed environment as the saga's parts use it: the policy, the node, the keys, the loops. */
export function sagaSettings(raw: SagaEnvironment) {
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
      maxPreviousTxBytes: raw.BATCH_MAX_PREVIOUS_TX_BYTES,
      maxWithdrawalsPerBatch: raw.BATCH_MAX_WITHDRAWALS,
      batchWindowMs: raw.BATCH_WINDOW_MS,
    },
    requiredConfirmations: raw.REQUIRED_CONFIRMATIONS,
    changeMinConfirmations: raw.CHANGE_MIN_CONFIRMATIONS,
    dropConfirmationChecks: raw.DROP_CONFIRMATION_CHECKS,
    fundsWaitTimeoutMs: raw.WITHDRAWAL_FUNDS_TIMEOUT_MS,
    feeBump: {
      afterBlocks: raw.FEE_BUMP_AFTER_BLOCKS,
      rateKoinuPerKb: raw.FEE_BUMP_RATE_KOINU_PER_KB,
      maxTimes: raw.FEE_BUMP_MAX_TIMES,
      ownFeeRateKoinuPerKb: raw.FEE_RATE_KOINU_PER_KB,
      maxFeeKoinu: raw.FEE_BUMP_MAX_FEE_KOINU,
    },
  };
  return {
    network: raw.DOGECOIN_NETWORK satisfies NetworkName,
    rpc: dogecoinRpcOptions(raw),
    accountXpub: () => readSecret(raw, 'ACCOUNT_XPUB'),
    operatorToken: {
      publicKeyPem: () => readSecret(raw, 'OPERATOR_JWT_PUBLIC_KEY'),
      issuer: raw.OPERATOR_JWT_ISSUER,
      audience: raw.OPERATOR_JWT_AUDIENCE,
    },
    ticks: { batchMs: raw.BATCH_TICK_MS, broadcastMs: raw.BROADCAST_TICK_MS, trackMs: raw.TRACK_TICK_MS },
    reorgWatchConfirmations: raw.REORG_WATCH_CONFIRMATIONS,
    hotCold: {
      coldAccountXpub:
        raw.COLD_ACCOUNT_XPUB || raw.COLD_ACCOUNT_XPUB_FILE
          ? () => readSecret(raw, 'COLD_ACCOUNT_XPUB')
          : null,
      policy: {
        ceilingKoinu: raw.HOT_WALLET_CEILING_KOINU ?? null,
        floorKoinu: raw.HOT_WALLET_FLOOR_KOINU ?? null,
        sweepMinKoinu: raw.HOT_WALLET_SWEEP_MIN_KOINU,
        feeRateKoinuPerKb: raw.FEE_RATE_KOINU_PER_KB,
        maxInputs: raw.BATCH_MAX_INPUTS,
      } satisfies HotColdPolicy,
    },
    crashAt: raw.SAGA_CRASH_AT,
    crashForAddress: raw.SAGA_CRASH_FOR_ADDRESS,
    policy,
  };
}
