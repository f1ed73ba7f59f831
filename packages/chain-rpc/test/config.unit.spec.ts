// Proves the one configuration every service uses for the node: the DOGECOIN_RPC_* variables with
// the deposit watcher's documented defaults, the credentials required (password inline or from a
// file), bad values refused by name, and a password never repeated by a refusal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { z } from 'zod';
import { dogecoinRpcConfigShape, dogecoinRpcOptions, requireDogecoinRpcCredentials } from '../src/index.js';

const schema = z.object(dogecoinRpcConfigShape).superRefine(requireDogecoinRpcCredentials);
const CREDENTIALS = { DOGECOIN_RPC_USER: 'dbay', DOGECOIN_RPC_PASSWORD: 'pa55-Word' };

function problems(env: Record<string, string>): Array<{ variable: string; message: string }> {
  const result = schema.safeParse(env);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ variable: issue.path.join('.'), message: issue.message }));
}

describe('DOGECOIN_RPC_* configuration', () => {
  it("defaults to the watcher's documented values", () => {
    expect(dogecoinRpcOptions(schema.parse(CREDENTIALS))).to.deep.equal({
      url: 'http://127.0.0.1:18332',
      user: 'dbay',
      password: 'pa55-Word',
      timeoutMs: 10_000,
      breaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingCountTimeoutMs: 10_000,
        resetTimeoutMs: 30_000,
      },
    });
  });

  it('reads every variable', () => {
    const config = schema.parse({
      ...CREDENTIALS,
      DOGECOIN_RPC_URL: 'http://dogecoind:22555',
      DOGECOIN_RPC_TIMEOUT_MS: '3000',
      DOGECOIN_RPC_BREAKER_ERROR_PERCENT: '40',
      DOGECOIN_RPC_BREAKER_VOLUME_THRESHOLD: '7',
      DOGECOIN_RPC_BREAKER_WINDOW_MS: '5000',
      DOGECOIN_RPC_BREAKER_RESET_MS: '2000',
    });
    expect(dogecoinRpcOptions(config)).to.deep.equal({
      url: 'http://dogecoind:22555',
      user: 'dbay',
      password: 'pa55-Word',
      timeoutMs: 3_000,
      breaker: {
        errorThresholdPercentage: 40,
        volumeThreshold: 7,
        rollingCountTimeoutMs: 5_000,
        resetTimeoutMs: 2_000,
      },
    });
  });

  it('requires the user and a password, inline or as a file', () => {
    expect(problems({})).to.deep.equal([
      { variable: 'DOGECOIN_RPC_USER', message: 'required' },
      {
        variable: 'DOGECOIN_RPC_PASSWORD',
        message: 'set DOGECOIN_RPC_PASSWORD or DOGECOIN_RPC_PASSWORD_FILE',
      },
    ]);
    expect(
      problems({ DOGECOIN_RPC_USER: 'dbay', DOGECOIN_RPC_PASSWORD_FILE: '/run/secrets/rpc' }),
    ).to.deep.equal([]);
  });

  it('reads the password from its file, trimmed, when it is not given inline', () => {
    const directory = mkdtempSync(join(tmpdir(), 'chain-rpc-config-'));
    try {
      const file = join(directory, 'password');
      writeFileSync(file, 'from-the-file\n');
      const fromFile = schema.parse({ DOGECOIN_RPC_USER: 'dbay', DOGECOIN_RPC_PASSWORD_FILE: file });
      expect(dogecoinRpcOptions(fromFile).password).to.equal('from-the-file');
      const both = schema.parse({ ...CREDENTIALS, DOGECOIN_RPC_PASSWORD_FILE: file });
      expect(dogecoinRpcOptions(both).password).to.equal('pa55-Word');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses bad values by name', () => {
    const refused = (name: string, value: string) =>
      problems({ ...CREDENTIALS, [name]: value }).map(({ variable }) => variable);
    expect(refused('DOGECOIN_RPC_URL', 'ftp://node')).to.deep.equal(['DOGECOIN_RPC_URL']);
    expect(refused('DOGECOIN_RPC_TIMEOUT_MS', '0')).to.deep.equal(['DOGECOIN_RPC_TIMEOUT_MS']);
    expect(refused('DOGECOIN_RPC_BREAKER_ERROR_PERCENT', '101')).to.deep.equal([
      'DOGECOIN_RPC_BREAKER_ERROR_PERCENT',
    ]);
    expect(refused('DOGECOIN_RPC_BREAKER_VOLUME_THRESHOLD', '2.5')).to.deep.equal([
      'DOGECOIN_RPC_BREAKER_VOLUME_THRESHOLD',
    ]);
    expect(refused('DOGECOIN_RPC_BREAKER_WINDOW_MS', 'soon')).to.deep.equal([
      'DOGECOIN_RPC_BREAKER_WINDOW_MS',
    ]);
    expect(refused('DOGECOIN_RPC_BREAKER_RESET_MS', '-1')).to.deep.equal(['DOGECOIN_RPC_BREAKER_RESET_MS']);
  });

  it('refuses credentials inside the URL without repeating them', () => {
    const found = problems({ ...CREDENTIALS, DOGECOIN_RPC_URL: 'http://dbay:pa55-Word@127.0.0.1:18332' });
    expect(found.map(({ variable }) => variable)).to.deep.equal(['DOGECOIN_RPC_URL']);
    expect(JSON.stringify(found)).to.not.include('pa55-Word');
  });
});
