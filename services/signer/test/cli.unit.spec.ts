// Proves the signer CLI end to end as an operator runs it (a child process, no network): restore
// reproduces a published BIP44 vector's dgub from a mnemonic read on stdin, create writes a key
// file whose xpub matches stdout and never puts the mnemonic on stdout, derive gives the published
// addresses from the xpub alone, verify fails clearly on a wrong passphrase, and secrets are never
// accepted as arguments.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bip44Vectors } from '@dbay/dogecoin/bip44-vectors';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const vector = bip44Vectors[0]!;

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...options.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('signer CLI', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'signer-cli-'));
  const passphraseFile = join(dir, 'passphrase');
  writeFileSync(passphraseFile, 'a long enough passphrase\n', { mode: 0o600 });

  it('restore: mnemonic on stdin gives the published account dgub', () => {
    const keyFile = join(dir, 'restored.key.json');
    const run = cli(
      ['restore', '--network', 'mainnet', '--key-file', keyFile, '--passphrase-file', passphraseFile],
      { input: `${vector.mnemonic}\n` },
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(vector.accountXpub);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).to.include({
      network: 'mainnet',
      accountXpub: vector.accountXpub,
    });
    expect(run.stdout + run.stderr).to.not.contain(vector.mnemonic);
  });

  it('restore: applies an optional BIP39 passphrase from the environment', () => {
    const trezor = bip44Vectors[1]!;
    const run = cli(
      [
        'restore',
        '--network',
        'mainnet',
        '--key-file',
        join(dir, 'trezor.key.json'),
        '--passphrase-file',
        passphraseFile,
      ],
      {
        input: `${trezor.mnemonic}\n`,
        env: { SIGNER_BIP39_PASSPHRASE: trezor.passphrase },
      },
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(trezor.accountXpub);
  });

  it('create: shows the mnemonic once on stderr, prints only the xpub on stdout, and verify decrypts the file', () => {
    const keyFile = join(dir, 'created.key.json');
    const run = cli(
      ['create', '--network', 'regtest', '--key-file', keyFile, '--xpub-file', join(dir, 'xpub.txt')],
      {
        env: { SIGNER_KEY_PASSPHRASE: 'another long passphrase' },
      },
    );
    expect(run.status, run.stderr).to.equal(0);
    const xpub = run.stdout.trim();
    expect(xpub).to.match(/^tpub[1-9A-HJ-NP-Za-km-z]+$/);
    expect(readFileSync(join(dir, 'xpub.txt'), 'utf8').trim()).to.equal(xpub);
    const mnemonicLine = run.stderr.split('\n').find((line) => /^ {2}([a-z]+ ){23}[a-z]+$/.test(line));
    expect(mnemonicLine, 'a 24-word mnemonic on stderr').to.not.equal(undefined);
    expect(run.stdout).to.not.contain(mnemonicLine!.trim());

    const verified = cli(['verify', '--key-file', keyFile], { input: 'another long passphrase\n' });
    expect(verified.status, verified.stderr).to.equal(0);
    expect(verified.stdout.trim()).to.equal(xpub);
    expect(
      cli(['create', '--network', 'regtest', '--key-file', keyFile, '--passphrase-file', passphraseFile])
        .stderr,
    ).to.contain('SIGNER_KEY_FILE_EXISTS');
  });

  it('verify: a wrong passphrase fails with a clear message', () => {
    const run = cli(['verify', '--key-file', join(dir, 'restored.key.json')], {
      input: 'not the passphrase at all\n',
    });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('SIGNER_KEY_FILE_WRONG_PASSPHRASE').and.to.contain('passphrase is wrong');
    expect(run.stdout).to.equal('');
  });

  it('derive: addresses at a path or a range from the account xpub alone', () => {
    const atPath = cli([
      'derive',
      '--network',
      'mainnet',
      '--xpub',
      vector.accountXpub,
      '--path',
      "m/44'/3'/0'/0/0",
    ]);
    expect(atPath.stdout.trim()).to.equal(`m/44'/3'/0'/0/0 ${vector.addresses[0]!.address}`);
    const trezor = bip44Vectors[1]!;
    const range = cli([
      'derive',
      '--network',
      'mainnet',
      '--xpub',
      trezor.accountXpub,
      '--chain',
      'receive',
      '--index',
      '7',
      '--count',
      '2',
    ]);
    expect(range.stdout.trim().split('\n')[1]).to.equal(`m/44'/3'/0'/0/8 ${trezor.addresses[0]!.address}`);
  });

  it('refuses secrets on the command line and --no-show-mnemonic on mainnet', () => {
    expect(
      cli([
        'restore',
        '--network',
        'mainnet',
        '--key-file',
        join(dir, 'x.json'),
        '--mnemonic',
        vector.mnemonic,
      ]).status,
    ).to.equal(2);
    const mainnet = cli([
      'create',
      '--network',
      'mainnet',
      '--key-file',
      join(dir, 'y.json'),
      '--passphrase-file',
      passphraseFile,
      '--no-show-mnemonic',
    ]);
    expect(mainnet.status).to.equal(2);
    expect(mainnet.stderr).to.not.contain(vector.mnemonic);
  });
});
