// Proves the web's configuration: the defaults a local run gets (port 7107, regtest, 6 confirmations),
// that the development login exists only when asked for with a signing key, that production refuses it,
// and that the login names become the same user every time.
import { expect } from 'chai';
import { ConfigError, loadConfig, serviceConfigShape } from '@dbay/platform';
import { devLoginEnabled, webConfig } from '../src/config.js';
import { devUserIdOf, parseLoginName } from '../src/domain/dev-login.js';

function load(env: Record<string, string>) {
  const full = { USER_JWT_PUBLIC_KEY_FILE: '/keys/user-jwt-public.pem', ...env };
  return loadConfig(webConfig(serviceConfigShape('web', full)), full);
}

function refusal(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('web configuration', () => {
  it('defaults to port 7107, regtest, 6 confirmations, the local wallet and order, and no login', () => {
    const config = load({});
    expect(config.HTTP_PORT).to.equal(7107);
    expect(config.DOGECOIN_NETWORK).to.equal('regtest');
    expect(config.DEPOSIT_CONFIRMATIONS).to.equal(6);
    expect(config.WALLET_URL).to.equal('http://127.0.0.1:7101');
    expect(config.ORDER_URL).to.equal('http://127.0.0.1:7102');
    expect(config.WEB_EVENTS_MAX_STREAMS_PER_USER).to.equal(5);
    expect(devLoginEnabled(config)).to.equal(false);
  });

  it('has no development login without WEB_DEV_LOGIN, even when a private key is configured', () => {
    expect(devLoginEnabled(load({ USER_JWT_PRIVATE_KEY_FILE: '/keys/user-jwt-private.pem' }))).to.equal(
      false,
    );
  });

  it('enables the development login with WEB_DEV_LOGIN=true and a private key', () => {
    const config = load({ WEB_DEV_LOGIN: 'true', USER_JWT_PRIVATE_KEY_FILE: '/keys/user-jwt-private.pem' });
    expect(devLoginEnabled(config)).to.equal(true);
  });

  it('refuses WEB_DEV_LOGIN=true without a private key, and with NODE_ENV=production', () => {
    expect(refusal({ WEB_DEV_LOGIN: 'true' }).variables).to.deep.equal(['WEB_DEV_LOGIN']);
    const production = refusal({
      WEB_DEV_LOGIN: 'true',
      USER_JWT_PRIVATE_KEY_FILE: '/keys/user-jwt-private.pem',
      NODE_ENV: 'production',
    });
    expect(production.variables).to.deep.equal(['WEB_DEV_LOGIN']);
    expect(production.message).to.contain('NODE_ENV=production');
  });

  it('refuses values that are not what they claim to be', () => {
    expect(refusal({ WEB_DEV_LOGIN: 'yes' }).variables).to.deep.equal(['WEB_DEV_LOGIN']);
    expect(refusal({ DOGECOIN_NETWORK: 'litecoin' }).variables).to.deep.equal(['DOGECOIN_NETWORK']);
    expect(refusal({ WALLET_URL: 'ftp://wallet' }).variables).to.deep.equal(['WALLET_URL']);
    expect(refusal({ WEB_EVENTS_HEARTBEAT_MS: '10' }).variables).to.deep.equal(['WEB_EVENTS_HEARTBEAT_MS']);
  });
});

describe('web development login names', () => {
  it('lower-cases a name and gives it the same UUID v5 user id every time', () => {
    const parsed = parseLoginName('Alice_01');
    expect(parsed).to.deep.equal({ ok: true, name: 'alice_01' });
    expect(devUserIdOf('alice_01')).to.equal(devUserIdOf('alice_01'));
    expect(devUserIdOf('alice_01')).to.match(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(devUserIdOf('alice')).to.not.equal(devUserIdOf('bob'));
  });

  it('refuses empty, long, non-string and odd-character names', () => {
    for (const input of ['', 'a'.repeat(33), 'al ice', 'alice!', 'ålice', '../x', 42, null, undefined]) {
      expect(parseLoginName(input).ok, String(input)).to.equal(false);
    }
    expect(parseLoginName('a'.repeat(32)).ok).to.equal(true);
  });
});
