/** Loads the seed from the local AES-256-GCM key file (local runs and the dev stack). */
import { readFileSync } from 'node:fs';
import { decryptSeed, readKeyFile } from './key-file.js';
import { SecretError } from './secret-error.js';
import type { LoadedSeed, SeedProvider } from './seed-provider.js';

/** Reads a secret (a passphrase, a mnemonic) from the first line of a file, newline dropped. */
export function readPassphraseFile(path: string, what = 'passphrase'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SecretError('SIGNER_PASSPHRASE_MISSING', `cannot read the ${what} file at ${path}`);
  }
  const secret = text.split(/\r?\n/)[0] ?? '';
  if (secret.length === 0)
    throw new SecretError('SIGNER_PASSPHRASE_MISSING', `the ${what} file at ${path} is empty`);
  return secret;
}

export class KeyFileSeedProvider implements SeedProvider {
  readonly description: string;

  constructor(
    private readonly keyFilePath: string,
    private readonly passphrase: () => string,
  ) {
    this.description = `key file ${keyFilePath}`;
  }

  loadSeed(): Promise<LoadedSeed> {
    const file = readKeyFile(this.keyFilePath);
    const seed = decryptSeed(file, this.passphrase());
    return Promise.resolve({ seed, network: file.network, accountXpub: file.accountXpub });
  }
}
