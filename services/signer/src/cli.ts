/**
 * signer CLI: create or restore the signer's wallet (encrypted key file + account xpub) and derive
 * addresses from an account xpub. Secrets never come from argv, so they never land in shell
 * history or `ps`: the mnemonic is read from a file or stdin, passphrases from a file, an
 * environment variable or stdin.
 *
 *   node --import tsx services/signer/src/cli.ts create  --network regtest --key-file wallet.key.json
 *   node --import tsx services/signer/src/cli.ts restore --network mainnet --key-file wallet.key.json < mnemonic.txt
 *   node --import tsx services/signer/src/cli.ts derive  --network mainnet --xpub dgub... --chain receive --index 0 --count 5
 *   node --import tsx services/signer/src/cli.ts verify  --key-file wallet.key.json --passphrase-file pass.txt
 *
 * stdout carries only the result (the account xpub, or derived addresses) so scripts can capture
 * it; the mnemonic and all prompts go to stderr.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  ACCOUNT_PATH,
  accountXpubFromSeed,
  deriveAddress,
  DogecoinKeyError,
  generateMnemonic,
  isNetworkName,
  networks,
  parseAccountXpub,
  parseAddressPath,
  seedFromMnemonic,
  type NetworkName,
} from '@dbay/dogecoin';
import { AccountKeys } from './domain/account-keys.js';
import { readPassphraseFile } from './adapters/secrets/key-file-provider.js';
import {
  checkPassphrase,
  decryptSeed,
  encryptSeed,
  readKeyFile,
  writeKeyFile,
} from './adapters/secrets/key-file.js';
import { SecretError } from './adapters/secrets/secret-error.js';

export const PASSPHRASE_ENV = 'SIGNER_KEY_PASSPHRASE';
export const BIP39_PASSPHRASE_ENV = 'SIGNER_BIP39_PASSPHRASE';
const MAX_DERIVE_COUNT = 1000;

class UsageError extends Error {}

const USAGE = `usage: signer-cli <command> [options]
  create   --network <mainnet|testnet|regtest> --key-file <path> [--passphrase-file <path>]
           [--xpub-file <path>] [--force] [--no-show-mnemonic (testnet/regtest only)]
  restore  --network <...> --key-file <path> [--mnemonic-file <path>] [--bip39-passphrase-file <path>]
           [--passphrase-file <path>] [--xpub-file <path>] [--force]
  derive   --network <...> --xpub <account xpub> (--path "m/44'/3'/0'/0/5" | --chain <receive|change> --index <n> [--count <k>])
  verify   --key-file <path> [--passphrase-file <path>]
Passphrases: --passphrase-file, else $${PASSPHRASE_ENV}, else stdin. Mnemonic: --mnemonic-file, else stdin.
BIP39 passphrase (restore, optional): --bip39-passphrase-file, else $${BIP39_PASSPHRASE_ENV}, else none.`;

/** Reads answers from stdin: hidden prompts on a terminal, successive lines when piped. */
class StdinReader {
  private lines: string[] | undefined;

  private async pipedLines(): Promise<string[]> {
    if (!this.lines) {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      this.lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
    }
    return this.lines;
  }

  async ask(prompt: string): Promise<string> {
    if (!process.stdin.isTTY) {
      const lines = await this.pipedLines();
      const line = lines.shift();
      if (line === undefined || line.length === 0)
        throw new UsageError(`expected ${prompt.replace(/:\s*$/, '')} on stdin`);
      return line;
    }
    process.stderr.write(prompt);
    const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
    const terminal = createInterface({ input: process.stdin, output: muted, terminal: true });
    try {
      return await terminal.question('');
    } finally {
      terminal.close();
      process.stderr.write('\n');
    }
  }
}

function networkOption(value: string | undefined): NetworkName {
  if (value === undefined || !isNetworkName(value))
    throw new UsageError('--network must be mainnet, testnet or regtest');
  return value;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

async function keyFilePassphrase(
  file: string | undefined,
  stdin: StdinReader,
  confirm: boolean,
): Promise<string> {
  if (file) return readPassphraseFile(file);
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv) return fromEnv;
  const passphrase = await stdin.ask('key file passphrase: ');
  if (confirm && process.stdin.isTTY && (await stdin.ask('repeat the passphrase: ')) !== passphrase) {
    throw new UsageError('the passphrases differ');
  }
  return passphrase;
}

function bip39Passphrase(file: string | undefined): string {
  if (file) return readPassphraseFile(file, 'BIP39 passphrase');
  return process.env[BIP39_PASSPHRASE_ENV] ?? '';
}

function writeWallet(
  seed: Uint8Array,
  options: {
    network: NetworkName;
    keyFile: string;
    passphrase: string;
    xpubFile: string | undefined;
    force: boolean;
  },
): string {
  const accountXpub = accountXpubFromSeed(seed, networks[options.network]);
  const file = encryptSeed(seed, options.passphrase, {
    network: options.network,
    accountXpub,
    createdAt: new Date(),
  });
  seed.fill(0);
  writeKeyFile(options.keyFile, file, { overwrite: options.force });
  if (options.xpubFile) writeFileSync(options.xpubFile, `${accountXpub}\n`, { mode: 0o644 });
  return accountXpub;
}

async function createOrRestore(command: 'create' | 'restore', args: string[]): Promise<string[]> {
  const { values } = parseArgs({
    args,
    options: {
      network: { type: 'string' },
      'key-file': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'mnemonic-file': { type: 'string' },
      'bip39-passphrase-file': { type: 'string' },
      'xpub-file': { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-show-mnemonic': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const network = networkOption(values.network);
  const keyFile = required(values['key-file'], 'key-file');
  const stdin = new StdinReader();
  if (values['no-show-mnemonic'] && (command !== 'create' || network === 'mainnet')) {
    throw new UsageError('--no-show-mnemonic is only for throwaway testnet/regtest wallets made with create');
  }

  let mnemonic: string;
  let extraPassphrase = '';
  if (command === 'create') {
    mnemonic = generateMnemonic();
  } else {
    mnemonic = values['mnemonic-file']
      ? readPassphraseFile(values['mnemonic-file'], 'mnemonic')
      : await stdin.ask('mnemonic: ');
    extraPassphrase = bip39Passphrase(values['bip39-passphrase-file']);
  }
  const seed = seedFromMnemonic(mnemonic, extraPassphrase);
  const passphrase = checkPassphrase(await keyFilePassphrase(values['passphrase-file'], stdin, true));
  const accountXpub = writeWallet(seed, {
    network,
    keyFile,
    passphrase,
    xpubFile: values['xpub-file'],
    force: values.force,
  });

  if (command === 'create' && !values['no-show-mnemonic']) {
    process.stderr.write(
      [
        '',
        'Write down this mnemonic now. It is shown once and is the only backup of the wallet besides',
        'the key file and its passphrase. Anyone who has it controls the funds.',
        '',
        `  ${mnemonic}`,
        '',
        '',
      ].join('\n'),
    );
  }
  process.stderr.write(`key file written to ${keyFile}; account ${ACCOUNT_PATH} xpub:\n`);
  return [accountXpub];
}

function derive(args: string[]): string[] {
  const { values } = parseArgs({
    args,
    options: {
      network: { type: 'string' },
      xpub: { type: 'string' },
      path: { type: 'string' },
      chain: { type: 'string' },
      index: { type: 'string' },
      count: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const network = networks[networkOption(values.network)];
  const account = parseAccountXpub(required(values.xpub, 'xpub'), network);
  if (values.path) {
    const path = parseAddressPath(values.path);
    if (path.account !== 0) throw new UsageError('an account xpub derives account 0 paths only');
    const derived = deriveAddress(account, path.chain, path.index, network);
    return [`${derived.path} ${derived.address}`];
  }
  const chain = required(values.chain, 'chain');
  if (chain !== 'receive' && chain !== 'change') throw new UsageError('--chain must be receive or change');
  const start = Number(required(values.index, 'index'));
  const count = Number(values.count);
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_DERIVE_COUNT)
    throw new UsageError(`--count must be 1..${MAX_DERIVE_COUNT}`);
  return Array.from({ length: count }, (_, offset) => {
    const derived = deriveAddress(account, chain, start + offset, network);
    return `${derived.path} ${derived.address}`;
  });
}

async function verify(args: string[]): Promise<string[]> {
  const { values } = parseArgs({
    args,
    options: { 'key-file': { type: 'string' }, 'passphrase-file': { type: 'string' } },
    strict: true,
  });
  const file = readKeyFile(required(values['key-file'], 'key-file'));
  const seed = decryptSeed(
    file,
    await keyFilePassphrase(values['passphrase-file'], new StdinReader(), false),
  );
  const keys = AccountKeys.fromSeed(seed, networks[file.network]);
  if (keys.accountXpub !== file.accountXpub) {
    throw new SecretError(
      'SIGNER_SEED_MISMATCH',
      'the key file decrypts, but its seed does not derive the xpub recorded in it',
    );
  }
  process.stderr.write(`key file decrypts; ${file.network} account xpub:\n`);
  return [keys.accountXpub];
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    let output: string[];
    switch (command) {
      case 'create':
      case 'restore':
        output = await createOrRestore(command, args);
        break;
      case 'derive':
        output = derive(args);
        break;
      case 'verify':
        output = await verify(args);
        break;
      case undefined:
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    process.stdout.write(`${output.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`signer-cli: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof SecretError || error instanceof DogecoinKeyError) {
      process.stderr.write(`signer-cli: ${error.code}: ${error.message}\n`);
      return 1;
    }
    // Anything else is a bug; its message could in principle quote input, so only its kind is shown.
    process.stderr.write(`signer-cli: unexpected ${error instanceof Error ? error.name : 'error'}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
