/**
 * The signer's configuration, validated at boot (a bad value stops the service naming the variable,
 * never its value). Amounts are integer koinu strings. The seed's source is chosen by
 * SIGNER_SECRET_PROVIDER; docs/signer.md describes each variable.
 */
import { z } from 'zod';
import { KOINU_PER_DOGE } from '@dbay/money';
import { NETWORK_NAMES, networkByName, type NetworkName } from '@dbay/dogecoin';
import { ColdAccount } from './domain/cold-account.js';
import { configPieces, loadConfig, serviceConfigShape, type PlatformConfigShape } from '@dbay/platform';
import {
  DEFAULT_MAX_BUMP_FEE_RATE_KOINU_PER_BYTE,
  DEFAULT_MAX_FEE_RATE_KOINU_PER_BYTE,
  DEFAULT_MIN_FEE_RATE_KOINU_PER_BYTE,
  type SigningPolicy,
} from './domain/signing-policy.js';

const DOGE = KOINU_PER_DOGE;
const koinu = (fallback: bigint) => configPieces.koinu({ fallback, minKoinu: 1n });

const signerShape = (platform: PlatformConfigShape) => ({
  ...platform,
  /** The signer serves health and metrics on loopback only: it has no ingress. */
  HTTP_HOST: z.string().default('127.0.0.1'),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Required: a signer must never guess which chain its key is for. */
  DOGECOIN_NETWORK: z.enum(NETWORK_NAMES as [NetworkName, ...NetworkName[]]),
  SIGNER_SECRET_PROVIDER: z.enum(['key-file', 'aws-secrets-manager']),
  SIGNER_KEY_FILE: z.string().optional(),
  SIGNER_KEY_PASSPHRASE_FILE: z.string().optional(),
  /** Discouraged (the environment is readable by the process owner); removed from process.env once read. */
  SIGNER_KEY_PASSPHRASE: z.string().optional(),
  SIGNER_AWS_REGION: z.string().optional(),
  SIGNER_AWS_ENDPOINT: z.url().optional(),
  SIGNER_AWS_SECRET_ID: z.string().optional(),
  SIGNER_AWS_PASSPHRASE_SECRET_ID: z.string().optional(),
  /** The account xpub the platform derives addresses from; the loaded seed must produce it. */
  SIGNER_ACCOUNT_XPUB: z.string().optional(),
  SIGNER_MAX_FEE_KOINU: koinu(10n * DOGE),
  SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE: koinu(DEFAULT_MAX_FEE_RATE_KOINU_PER_BYTE),
  SIGNER_MIN_FEE_RATE_KOINU_PER_BYTE: koinu(DEFAULT_MIN_FEE_RATE_KOINU_PER_BYTE),
  SIGNER_MAX_WITHDRAWAL_KOINU: koinu(100_000n * DOGE),
  SIGNER_DAILY_CAP_KOINU: koinu(1_000_000n * DOGE),
  /** A child-pays-for-parent bump: its largest fee, and the largest rate it may pay for its whole package. */
  SIGNER_MAX_BUMP_FEE_KOINU: koinu(DOGE),
  SIGNER_MAX_BUMP_FEE_RATE_KOINU_PER_BYTE: koinu(DEFAULT_MAX_BUMP_FEE_RATE_KOINU_PER_BYTE),
  /**
   * The cold account's extended public key (account level, tpub on regtest): sweeps may pay only its
   * receive addresses. Unset: every sweep is refused.
   */
  SIGNER_COLD_ACCOUNT_XPUB: z.string().min(1).optional(),
});

/** The signer's whole environment, on the platform's shape. */
export const signerConfig = (platform: PlatformConfigShape) =>
  z
    .object(signerShape(platform))
    .refine((config) => config.SIGNER_SECRET_PROVIDER !== 'key-file' || config.SIGNER_KEY_FILE, {
      path: ['SIGNER_KEY_FILE'],
      message: 'required when SIGNER_SECRET_PROVIDER=key-file',
    })
    .refine(
      (config) =>
        config.SIGNER_SECRET_PROVIDER !== 'aws-secrets-manager' ||
        (config.SIGNER_AWS_REGION && config.SIGNER_AWS_SECRET_ID),
      {
        path: ['SIGNER_AWS_SECRET_ID'],
        message:
          'SIGNER_AWS_REGION and SIGNER_AWS_SECRET_ID are required when SIGNER_SECRET_PROVIDER=aws-secrets-manager',
      },
    )
    .refine(
      (config) => config.SIGNER_MIN_FEE_RATE_KOINU_PER_BYTE <= config.SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE,
      {
        path: ['SIGNER_MIN_FEE_RATE_KOINU_PER_BYTE'],
        message: 'must not exceed SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE',
      },
    );

export type SignerEnvironment = z.output<ReturnType<typeof signerConfig>>;
export type SignerConfig = ReturnType<typeof signerSettings>;

export function loadSignerConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return signerSettings(loadConfig(signerConfig(serviceConfigShape('signer', env)), env));
}

/** The parsed environment as the signer's parts use it: the secret source, the policy, the network. */
export function signerSettings(raw: SignerEnvironment) {
  const policy: SigningPolicy = {
    maxFeeKoinu: raw.SIGNER_MAX_FEE_KOINU,
    maxFeeRateKoinuPerByte: raw.SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE,
    minFeeRateKoinuPerByte: raw.SIGNER_MIN_FEE_RATE_KOINU_PER_BYTE,
    maxWithdrawalKoinu: raw.SIGNER_MAX_WITHDRAWAL_KOINU,
    dailyCapKoinu: raw.SIGNER_DAILY_CAP_KOINU,
    maxBumpFeeKoinu: raw.SIGNER_MAX_BUMP_FEE_KOINU,
    maxBumpFeeRateKoinuPerByte: raw.SIGNER_MAX_BUMP_FEE_RATE_KOINU_PER_BYTE,
    coldAccount:
      raw.SIGNER_COLD_ACCOUNT_XPUB === undefined
        ? null
        : new ColdAccount(raw.SIGNER_COLD_ACCOUNT_XPUB, networkByName(raw.DOGECOIN_NETWORK)),
  };
  return {
    network: raw.DOGECOIN_NETWORK,
    expectedAccountXpub: raw.SIGNER_ACCOUNT_XPUB,
    secrets: {
      provider: raw.SIGNER_SECRET_PROVIDER,
      keyFile: raw.SIGNER_KEY_FILE,
      passphraseFile: raw.SIGNER_KEY_PASSPHRASE_FILE,
      passphrase: raw.SIGNER_KEY_PASSPHRASE,
      aws: {
        region: raw.SIGNER_AWS_REGION,
        endpoint: raw.SIGNER_AWS_ENDPOINT,
        secretId: raw.SIGNER_AWS_SECRET_ID,
        passphraseSecretId: raw.SIGNER_AWS_PASSPHRASE_SECRET_ID,
      },
    },
    policy,
  };
}
