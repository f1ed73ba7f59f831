// Proves the local key file keeps the seed only under AES-256-GCM with a scrypt-derived key: it
// round-trips with the right passphrase, fails with a clear coded message on a wrong one or on any
// edit of the file, is written with mode 600 and never overwritten by accident, and never contains
// the seed or the passphrase in clear. Also covers the AWS Secrets Manager provider's two secret
// formats through an injected client (no AWS is reachable from unit tests).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { accountXpubFromSeed, regtest, seedFromMnemonic } from '@dbay/dogecoin';
import {
  decryptSeed,
  DEFAULT_SCRYPT,
  encryptSeed,
  parseKeyFile,
  readKeyFile,
  writeKeyFile,
  type KeyFile,
} from '../src/adapters/secrets/key-file.js';
import { KeyFileSeedProvider } from '../src/adapters/secrets/key-file-provider.js';
import {
  AwsSecretsManagerSeedProvider,
  type SecretsClient,
} from '../src/adapters/secrets/aws-secrets-manager-provider.js';
import { loadAccountKeys } from '../src/adapters/secrets/load-account-keys.js';
import { SecretError } from '../src/adapters/secrets/secret-error.js';
import { TEST_MNEMONIC } from './fixtures/signing-fixtures.js';

const PASSPHRASE = 'correct horse battery staple';
const FAST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
const seed = (): Uint8Array => seedFromMnemonic(TEST_MNEMONIC);
const accountXpub = accountXpubFromSeed(seed(), regtest);

function newKeyFile(scrypt = FAST_SCRYPT): KeyFile {
  return encryptSeed(seed(), PASSPHRASE, {
    network: 'regtest',
    accountXpub,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    scrypt,
  });
}

function secretErrorOf(action: () => unknown): SecretError {
  try {
    action();
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

async function rejectedWith(promise: Promise<unknown>): Promise<SecretError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

describe('signer key file', () => {
  it('round-trips the seed with the right passphrase (default scrypt cost)', function () {
    this.timeout(20_000); // two derivations at the production cost of 2^17
    const file = newKeyFile(DEFAULT_SCRYPT);
    expect(file.kdf.N).to.equal(2 ** 17);
    expect(Buffer.from(decryptSeed(file, PASSPHRASE))).to.deep.equal(Buffer.from(seed()));
  });

  it('fails with a clear message on a wrong passphrase', () => {
    const error = secretErrorOf(() => decryptSeed(newKeyFile(), 'correct horse battery stapl'));
    expect(error.code).to.equal('SIGNER_KEY_FILE_WRONG_PASSPHRASE');
    expect(error.message).to.match(/passphrase is wrong/);
    expect(error.message).to.not.contain('correct horse');
  });

  it('fails the same way when the header (network, xpub) was edited', () => {
    const tampered = { ...newKeyFile(), accountXpub: 'tpub-of-someone-else' };
    expect(secretErrorOf(() => decryptSeed(tampered, PASSPHRASE)).code).to.equal(
      'SIGNER_KEY_FILE_WRONG_PASSPHRASE',
    );
  });

  it('never stores the seed or the passphrase in clear', () => {
    const text = JSON.stringify(newKeyFile());
    const clear = Buffer.from(seed());
    expect(text).to.not.contain(clear.toString('hex'));
    expect(text).to.not.contain(clear.toString('base64'));
    expect(text).to.not.contain(PASSPHRASE);
    expect(text).to.not.contain('legal winner');
  });

  it('uses a fresh salt and IV for every file', () => {
    const [first, second] = [newKeyFile(), newKeyFile()];
    expect(first.kdf.saltBase64).to.not.equal(second.kdf.saltBase64);
    expect(first.cipher.ivBase64).to.not.equal(second.cipher.ivBase64);
  });

  it('refuses a passphrase shorter than 12 characters', () => {
    const error = secretErrorOf(() =>
      encryptSeed(seed(), 'short', { network: 'regtest', accountXpub, createdAt: new Date() }),
    );
    expect(error.code).to.equal('SIGNER_PASSPHRASE_TOO_SHORT');
  });

  it('refuses files that are not key files, or that ask for absurd scrypt costs', () => {
    expect(secretErrorOf(() => parseKeyFile({ hello: 'world' })).code).to.equal('SIGNER_KEY_FILE_INVALID');
    expect(
      secretErrorOf(() => parseKeyFile({ ...newKeyFile(), kdf: { ...newKeyFile().kdf, N: 2 ** 30 } })).code,
    ).to.equal('SIGNER_KEY_FILE_INVALID');
  });

  it('is written with mode 600 and not overwritten without force', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'signer-key-')), 'wallet.key.json');
    writeKeyFile(path, newKeyFile(), { overwrite: false });
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(readKeyFile(path).accountXpub).to.equal(accountXpub);
    expect(secretErrorOf(() => writeKeyFile(path, newKeyFile(), { overwrite: false })).code).to.equal(
      'SIGNER_KEY_FILE_EXISTS',
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.have.property('format', 'dbay-signer-key-file');
  });

  it('loads as the signer account through the key file provider, checking network and xpub', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'signer-key-')), 'wallet.key.json');
    writeKeyFile(path, newKeyFile(), { overwrite: false });
    const provider = new KeyFileSeedProvider(path, () => PASSPHRASE);
    expect((await loadAccountKeys(provider, 'regtest', accountXpub)).accountXpub).to.equal(accountXpub);
    expect((await rejectedWith(loadAccountKeys(provider, 'mainnet'))).code).to.equal('SIGNER_SEED_MISMATCH');
    expect(
      (await rejectedWith(loadAccountKeys(provider, 'regtest', 'tpub-configured-elsewhere'))).code,
    ).to.equal('SIGNER_SEED_MISMATCH');
  });

  it('never shows the private key when the account keys are logged or inspected', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'signer-key-')), 'wallet.key.json');
    writeKeyFile(path, newKeyFile(), { overwrite: false });
    const keys = await loadAccountKeys(new KeyFileSeedProvider(path, () => PASSPHRASE), 'regtest');
    const { inspect } = await import('node:util');
    expect(JSON.stringify({ keys })).to.equal(JSON.stringify({ keys: { accountXpub } }));
    expect(inspect(keys, { showHidden: true, depth: 10 })).to.equal(`AccountKeys(${accountXpub})`);
    expect(String(keys)).to.equal(`AccountKeys(${accountXpub})`);
  });
});

describe('AWS Secrets Manager seed provider', () => {
  function clientWith(secrets: Record<string, string>): SecretsClient & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      send(command: GetSecretValueCommand) {
        const id = command.input.SecretId!;
        asked.push(id);
        if (!(id in secrets))
          return Promise.reject(
            Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
              name: 'ResourceNotFoundException',
            }),
          );
        return Promise.resolve({ SecretString: secrets[id] });
      },
    };
  }

  it('decrypts an encrypted key file secret with the passphrase from a second secret', async () => {
    const client = clientWith({
      'dbay/signer/key-file': JSON.stringify(newKeyFile()),
      'dbay/signer/passphrase': `${PASSPHRASE}\n`,
    });
    const provider = new AwsSecretsManagerSeedProvider(
      { region: 'eu-west-1', secretId: 'dbay/signer/key-file', passphraseSecretId: 'dbay/signer/passphrase' },
      client,
    );
    const keys = await loadAccountKeys(provider, 'regtest', accountXpub);
    expect(keys.accountXpub).to.equal(accountXpub);
    expect(client.asked).to.deep.equal(['dbay/signer/key-file', 'dbay/signer/passphrase']);
  });

  it('reads a plain seed document', async () => {
    const document = {
      format: 'dbay-signer-seed',
      version: 1,
      network: 'regtest',
      accountXpub,
      seedHex: Buffer.from(seed()).toString('hex'),
    };
    const provider = new AwsSecretsManagerSeedProvider(
      { region: 'eu-west-1', secretId: 's' },
      clientWith({ s: JSON.stringify(document) }),
    );
    expect((await loadAccountKeys(provider, 'regtest')).accountXpub).to.equal(accountXpub);
  });

  it('reports a missing secret by name only, and an unusable one as invalid', async () => {
    const missing = new AwsSecretsManagerSeedProvider(
      { region: 'eu-west-1', secretId: 'nope' },
      clientWith({}),
    );
    const error = await rejectedWith(missing.loadSeed());
    expect(error.code).to.equal('SIGNER_SECRET_UNAVAILABLE');
    expect(error.message).to.contain('ResourceNotFoundException');
    const garbage = new AwsSecretsManagerSeedProvider(
      { region: 'eu-west-1', secretId: 'g' },
      clientWith({ g: '{"mnemonic":"x"}' }),
    );
    expect((await rejectedWith(garbage.loadSeed())).code).to.equal('SIGNER_SECRET_INVALID');
  });

  it('asks for a passphrase source when the secret is an encrypted key file', async () => {
    const provider = new AwsSecretsManagerSeedProvider(
      { region: 'eu-west-1', secretId: 'k' },
      clientWith({ k: JSON.stringify(newKeyFile()) }),
    );
    expect((await rejectedWith(provider.loadSeed())).code).to.equal('SIGNER_PASSPHRASE_MISSING');
  });
});
