// Proves that a service cannot boot on a bad environment without being told which variable is wrong,
// that the shared variables get the defaults of CONVENTIONS.md, and that secrets never reach the message.
import { expect } from 'chai';
import { z } from 'zod';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  configPieces,
  loadConfig,
  readSecret,
  secretVariables,
  kafkaSecurityOf,
  serviceConfigShape,
} from '../src/index.js';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const orderShape = (env: Record<string, string | undefined>) => z.object(serviceConfigShape('order', env));

  it('fills the CONVENTIONS defaults for a service', () => {
    const config = loadConfig(orderShape({}), {});
    expect(config).to.deep.equal({
      SERVICE_NAME: 'order',
      LOG_LEVEL: 'info',
      HTTP_PORT: 7102,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      DATABASE_URL: 'postgres://dbay_order@127.0.0.1:5432/dbay',
      DB_SCHEMA: 'order',
      DB_POOL_MAX: 10,
      REDIS_URL: 'redis://127.0.0.1:6379',
      HTTP_HOST: '0.0.0.0',
      KAFKA_SESSION_TIMEOUT_MS: 10_000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 1_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
      HTTP_TRUST_PROXY_HOPS: 0,
      METRICS_PORT: 9102,
      METRICS_HOST: '0.0.0.0',
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_USER_POSTS: 1_000_000,
      RATE_LIMIT_AUTH_FAILURES: 1_000_000,
      KAFKA_SASL_MECHANISM: 'none',
      KAFKA_SASL_USERNAME: 'order',
      KAFKA_SSL: false,
    });
  });

  it('derives the role, schema and database of a dashed service name from PGHOST, PGPORT and DBAY_DB_NAME', () => {
    const env = { PGHOST: 'db.internal', PGPORT: '6543', DBAY_DB_NAME: 'dbay_ci' };
    const config = loadConfig(z.object(serviceConfigShape('deposit-watcher', env)), env);
    expect(config.DATABASE_URL).to.equal('postgres://dbay_deposit_watcher@db.internal:6543/dbay_ci');
    expect(config.DB_SCHEMA).to.equal('deposit_watcher');
    expect(config.HTTP_PORT).to.equal(7103);
  });

  it('parses overrides: ports as numbers, broker lists as arrays', () => {
    const env = { HTTP_PORT: '8000', KAFKA_BROKERS: 'k1:9092, k2:9093' };
    const config = loadConfig(orderShape(env), env);
    expect(config.HTTP_PORT).to.equal(8000);
    expect(config.KAFKA_BROKERS).to.deep.equal(['k1:9092', 'k2:9093']);
  });

  it('names the variable of each bad value, and only those', () => {
    const env = {
      HTTP_PORT: 'eighty',
      KAFKA_BROKERS: 'localhost',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'redis://ok:6379',
    };
    const error = configErrorOf(() => loadConfig(orderShape(env), env));
    expect(error.variables).to.have.members(['HTTP_PORT', 'KAFKA_BROKERS', 'LOG_LEVEL']);
    expect(error.message)
      .to.match(/HTTP_PORT/)
      .and.match(/KAFKA_BROKERS/)
      .and.match(/LOG_LEVEL/);
    expect(error.message).not.to.match(/REDIS_URL/);
  });

  it('names a missing required variable, treating an empty string as missing', () => {
    const schema = z.object({
      ACCOUNT_XPUB: z.string().min(1),
      HTTP_PORT: z.coerce.number().int().default(1),
    });
    const error = configErrorOf(() => loadConfig(schema, { ACCOUNT_XPUB: '' }));
    expect(error.variables).to.deep.equal(['ACCOUNT_XPUB']);
  });

  it('refuses out-of-range ports (0 asks for any free port, as tests do)', () => {
    expect(loadConfig(orderShape({ HTTP_PORT: '0' }), { HTTP_PORT: '0' }).HTTP_PORT).to.equal(0);
    for (const port of ['65536', '80.5', '-1']) {
      const env = { HTTP_PORT: port };
      expect(configErrorOf(() => loadConfig(orderShape(env), env)).variables).to.deep.equal(['HTTP_PORT']);
    }
  });

  it('never echoes the offending value, which may be a secret', () => {
    const env = { DATABASE_URL: 'mysql://dbay:hunter2@db/dbay' };
    const error = configErrorOf(() => loadConfig(orderShape(env), env));
    expect(error.variables).to.deep.equal(['DATABASE_URL']);
    expect(error.message).not.to.include('hunter2');
  });
});

describe('config pieces', () => {
  it('reads koinu amounts exactly, within their bounds, and names the variable of a bad one', () => {
    const schema = z.object({
      FEE_KOINU: configPieces.koinu({ fallback: 5n, minKoinu: 1n, maxKoinu: 1_000n }),
      CAP_KOINU: configPieces.koinu({}),
    });
    expect(loadConfig(schema, { CAP_KOINU: '92233720368547758' })).to.deep.equal({
      FEE_KOINU: 5n,
      CAP_KOINU: 92_233_720_368_547_758n,
    });
    for (const bad of ['0', '1001', '1.5', '1e3', '-2', ' 7']) {
      const env = { FEE_KOINU: bad, CAP_KOINU: '1' };
      expect(configErrorOf(() => loadConfig(schema, env)).variables, bad).to.deep.equal(['FEE_KOINU']);
    }
    expect(configErrorOf(() => loadConfig(schema, {})).variables).to.deep.equal(['CAP_KOINU']);
  });

  it('reads flags as true|false|1|0 only, and lists without empty entries', () => {
    const schema = z.object({ ON: configPieces.flag(false), NAMES: configPieces.list('order') });
    expect(loadConfig(schema, { ON: '1', NAMES: 'a, b,,c' })).to.deep.equal({
      ON: true,
      NAMES: ['a', 'b', 'c'],
    });
    expect(loadConfig(schema, {})).to.deep.equal({ ON: false, NAMES: ['order'] });
    expect(configErrorOf(() => loadConfig(schema, { ON: 'yes' })).variables).to.deep.equal(['ON']);
  });

  it('reads a secret inline or from its file, and names the variable (never a value) when neither works', () => {
    const schema = z.object(secretVariables('API_KEY'));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'key');
    writeFileSync(file, 'from-the-file\n');
    expect(readSecret(loadConfig(schema, { API_KEY: 'inline' }), 'API_KEY')).to.equal('inline');
    expect(readSecret(loadConfig(schema, { API_KEY_FILE: file }), 'API_KEY')).to.equal('from-the-file');
    expect(configErrorOf(() => readSecret(loadConfig(schema, {}), 'API_KEY')).variables).to.deep.equal([
      'API_KEY',
    ]);
    const missing = configErrorOf(() =>
      readSecret(loadConfig(schema, { API_KEY_FILE: `${file}-absent` }), 'API_KEY'),
    );
    expect(missing.variables).to.deep.equal(['API_KEY_FILE']);
  });

  it("connects to Kafka as the service's own principal with its password, or anonymously where SASL is off", () => {
    const shape = z.object(serviceConfigShape('withdrawal-saga', {}));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kafka-')), 'password');
    writeFileSync(file, 'scram-secret\n');
    expect(kafkaSecurityOf(loadConfig(shape, {}))).to.deep.equal({});
    expect(
      kafkaSecurityOf(
        loadConfig(shape, {
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_PASSWORD_FILE: file,
          KAFKA_SSL: 'true',
        }),
      ),
    ).to.deep.equal({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'withdrawal-saga', password: 'scram-secret' },
    });
    const noPassword = configErrorOf(() =>
      kafkaSecurityOf(loadConfig(shape, { KAFKA_SASL_MECHANISM: 'scram-sha-512' })),
    );
    expect(noPassword.variables).to.deep.equal(['KAFKA_SASL_PASSWORD']);
    expect(configErrorOf(() => loadConfig(shape, { KAFKA_SASL_MECHANISM: 'plain' })).variables).to.deep.equal(
      ['KAFKA_SASL_MECHANISM'],
    );
  });
});
