/**
 * Loads the seed from AWS Secrets Manager. The secret's SecretString is one of two JSON documents:
 *
 * - the encrypted key file exactly as the CLI writes it (recommended): the passphrase then comes
 *   from a second secret (passphraseSecretId) or the signer's passphrase setting, so reading one
 *   secret alone never yields the seed;
 * - a plain seed document { "format": "dbay-signer-seed", "version": 1, "network", "accountXpub",
 *   "seedHex" }, relying on Secrets Manager's KMS encryption and IAM alone.
 *
 * The endpoint is configurable so a Secrets Manager-compatible service (LocalStack, a VPC endpoint)
 * can stand in.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { isNetworkName } from '@dbay/dogecoin';
import { decryptSeed, KEY_FILE_FORMAT, parseKeyFile } from './key-file.js';
import { SecretError } from './secret-error.js';
import type { LoadedSeed, SeedProvider } from './seed-provider.js';

export const PLAIN_SEED_FORMAT = 'dbay-signer-seed';
/** Named limits on the AWS client: no unbounded retries or waits at boot. */
const AWS_MAX_ATTEMPTS = 3;

const plainSeedSchema = z.object({
  format: z.literal(PLAIN_SEED_FORMAT),
  version: z.literal(1),
  network: z.string().refine(isNetworkName),
  accountXpub: z.string().min(1),
  seedHex: z.string().regex(/^[0-9a-f]{128}$/),
});

export interface AwsSecretsManagerSettings {
  region: string;
  endpoint?: string | undefined;
  secretId: string;
  /** A second secret whose SecretString is the key file passphrase. */
  passphraseSecretId?: string | undefined;
  /** Or the passphrase from the signer's own settings. */
  passphrase?: (() => string) | undefined;
}

/** The one call the provider makes; SecretsManagerClient satisfies it. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string | undefined }>;
}

export class AwsSecretsManagerSeedProvider implements SeedProvider {
  readonly description: string;
  private readonly client: SecretsClient;

  constructor(
    private readonly settings: AwsSecretsManagerSettings,
    client?: SecretsClient,
  ) {
    this.description = `AWS Secrets Manager secret ${settings.secretId} (${settings.region})`;
    this.client =
      client ??
      new SecretsManagerClient({
        region: settings.region,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        maxAttempts: AWS_MAX_ATTEMPTS,
      });
  }

  private async secretString(secretId: string): Promise<string> {
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      // The SDK's error names (AccessDenied, ResourceNotFound) carry no secret material.
      const name = error instanceof Error ? error.name : 'unknown error';
      throw new SecretError('SIGNER_SECRET_UNAVAILABLE', `cannot read secret ${secretId}: ${name}`);
    }
    if (!value) throw new SecretError('SIGNER_SECRET_INVALID', `secret ${secretId} has no SecretString`);
    return value;
  }

  private async passphrase(): Promise<string> {
    if (this.settings.passphraseSecretId)
      return (await this.secretString(this.settings.passphraseSecretId)).trim();
    if (this.settings.passphrase) return this.settings.passphrase();
    throw new SecretError(
      'SIGNER_PASSPHRASE_MISSING',
      `secret ${this.settings.secretId} holds an encrypted key file but no passphrase source is configured`,
    );
  }

  async loadSeed(): Promise<LoadedSeed> {
    let document: unknown;
    try {
      document = JSON.parse(await this.secretString(this.settings.secretId));
    } catch (error) {
      if (error instanceof SecretError) throw error;
      throw new SecretError('SIGNER_SECRET_INVALID', `secret ${this.settings.secretId} is not JSON`);
    }
    const format =
      typeof document === 'object' && document !== null
        ? (document as { format?: unknown }).format
        : undefined;
    if (format === KEY_FILE_FORMAT) {
      const file = parseKeyFile(document);
      return {
        seed: decryptSeed(file, await this.passphrase()),
        network: file.network,
        accountXpub: file.accountXpub,
      };
    }
    const plain = plainSeedSchema.safeParse(document);
    if (!plain.success) {
      throw new SecretError(
        'SIGNER_SECRET_INVALID',
        `secret ${this.settings.secretId} is neither a ${KEY_FILE_FORMAT} nor a ${PLAIN_SEED_FORMAT} document`,
      );
    }
    return {
      seed: new Uint8Array(Buffer.from(plain.data.seedHex, 'hex')),
      network: plain.data.network,
      accountXpub: plain.data.accountXpub,
    };
  }
}
