/** Builds the configured seed provider; the passphrase is read lazily, once, and then dropped from the environment. */
import { AwsSecretsManagerSeedProvider } from './aws-secrets-manager-provider.js';
import { KeyFileSeedProvider, readPassphraseFile } from './key-file-provider.js';
import { SecretError } from './secret-error.js';
import type { SeedProvider } from './seed-provider.js';
import type { SignerConfig } from '../../config.js';

export const PASSPHRASE_ENV_VARIABLE = 'SIGNER_KEY_PASSPHRASE';

function passphraseSource(secrets: SignerConfig['secrets']): (() => string) | undefined {
  if (secrets.passphraseFile) {
    const file = secrets.passphraseFile;
    return () => readPassphraseFile(file);
  }
  if (secrets.passphrase) {
    const passphrase = secrets.passphrase;
    delete process.env[PASSPHRASE_ENV_VARIABLE];
    return () => passphrase;
  }
  return undefined;
}

export function seedProviderFromConfig(secrets: SignerConfig['secrets']): SeedProvider {
  const passphrase = passphraseSource(secrets);
  switch (secrets.provider) {
    case 'key-file': {
      if (!passphrase) {
        throw new SecretError(
          'SIGNER_PASSPHRASE_MISSING',
          'set SIGNER_KEY_PASSPHRASE_FILE (or SIGNER_KEY_PASSPHRASE) for the key file',
        );
      }
      return new KeyFileSeedProvider(secrets.keyFile!, passphrase);
    }
    case 'aws-secrets-manager':
      return new AwsSecretsManagerSeedProvider({
        region: secrets.aws.region!,
        endpoint: secrets.aws.endpoint,
        secretId: secrets.aws.secretId!,
        passphraseSecretId: secrets.aws.passphraseSecretId,
        passphrase,
      });
    default: {
      const unreachable: never = secrets.provider;
      throw new Error(`unknown secret provider ${String(unreachable)}`);
    }
  }
}
