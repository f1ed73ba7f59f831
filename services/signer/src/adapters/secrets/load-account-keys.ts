/**
 * Turns a provider's seed into the signer's AccountKeys, after checking that the seed is the one
 * the secret claims (its account xpub), for the network the signer runs on, and — when configured —
 * the one the rest of the platform derives deposit addresses from.
 */
import { networks, type NetworkName } from '@dbay/dogecoin';
import { AccountKeys } from '../../domain/account-keys.js';
import { SecretError } from './secret-error.js';
import type { SeedProvider } from './seed-provider.js';

export async function loadAccountKeys(
  provider: SeedProvider,
  network: NetworkName,
  expectedAccountXpub?: string,
): Promise<AccountKeys> {
  const loaded = await provider.loadSeed();
  if (loaded.network !== network) {
    loaded.seed.fill(0);
    throw new SecretError(
      'SIGNER_SEED_MISMATCH',
      `${provider.description} holds a ${loaded.network} wallet; the signer runs on ${network}`,
    );
  }
  const keys = AccountKeys.fromSeed(loaded.seed, networks[network]);
  if (keys.accountXpub !== loaded.accountXpub) {
    throw new SecretError(
      'SIGNER_SEED_MISMATCH',
      `the seed in ${provider.description} does not derive the account xpub recorded next to it`,
    );
  }
  if (expectedAccountXpub !== undefined && keys.accountXpub !== expectedAccountXpub.trim()) {
    throw new SecretError(
      'SIGNER_SEED_MISMATCH',
      `the seed in ${provider.description} does not derive the configured account xpub`,
    );
  }
  return keys;
}
