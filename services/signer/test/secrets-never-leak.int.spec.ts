// Proves that a full signing run — seed loaded from an encrypted key file (and a failed load with a
// wrong passphrase), then a signed request, its replay, a refused request and a malformed one, all
// through the real use case against the signer's real Postgres schema — never puts the mnemonic,
// the seed, the passphrase or a private key into a log line (pino captured at trace level), an
// error message or an event payload. The database work runs in one transaction that is rolled back.
// It also checks the signing log's round trip of bigint koinu and the rolling-cap sum.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { accountXpubFromSeed, addressPath, regtest, seedFromMnemonic } from '@dbay/dogecoin';
import { buildEnvelope, createLogger, type EventMessage } from '@dbay/platform';
import { encryptSeed, writeKeyFile } from '../src/adapters/secrets/key-file.js';
import { KeyFileSeedProvider } from '../src/adapters/secrets/key-file-provider.js';
import { loadAccountKeys } from '../src/adapters/secrets/load-account-keys.js';
import { findSigningsPaying, outflowLast24h } from '../src/adapters/signing-log-repository.js';
import type { SigningRequest } from '../src/domain/signing-request.js';
import { answerSigningRequest, type DecisionOutcome } from '../src/use-cases/sign-withdrawals.js';
import { TOPICS } from '@dbay/contracts';
import {
  buildRequest,
  DOGE,
  foreignAddress,
  TEST_MNEMONIC,
  testPolicy,
  testSecrets,
} from './fixtures/signing-fixtures.js';
import { required, stackEnv } from './support/stack.js';

const PASSPHRASE = 'a passphrase nobody may ever log';

function wire(request: SigningRequest): Record<string, unknown> {
  return {
    ...request,
    withdrawals: request.withdrawals.map((w) => ({ ...w, amountKoinu: w.amountKoinu.toString() })),
  };
}

function requestEvent(payload: unknown): EventMessage {
  return {
    envelope: buildEnvelope({
      eventType: TOPICS.withdrawalSigningRequested,
      correlationId: randomUUID(),
      producer: 'withdrawal-saga',
    }),
    payload,
  };
}

describe('signer secrets never leak (integration, full signing run)', function () {
  this.timeout(60_000);
  let db: Knex;

  before(() => {
    db = knexFactory({
      client: 'pg',
      connection: required(stackEnv(), 'SIGNER_DATABASE_URL'),
      searchPath: ['signer'],
      pool: { min: 0, max: 2 },
    });
  });
  after(async () => {
    await db?.destroy();
  });

  it('keeps every secret out of logs, errors and events', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'signer',
      level: 'trace',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const errors: string[] = [];

    const seed = seedFromMnemonic(TEST_MNEMONIC);
    const keyFile = join(mkdtempSync(join(tmpdir(), 'signer-leak-')), 'wallet.key.json');
    writeKeyFile(
      keyFile,
      encryptSeed(seed, PASSPHRASE, {
        network: 'regtest',
        accountXpub: accountXpubFromSeed(seed, regtest),
        createdAt: new Date(),
        scrypt: { N: 2 ** 14, r: 8, p: 1 },
      }),
      { overwrite: false },
    );
    try {
      await loadAccountKeys(new KeyFileSeedProvider(keyFile, () => `${PASSPHRASE}!`), 'regtest');
    } catch (error) {
      errors.push(String(error), (error as Error).stack ?? '');
      logger.error({ err: error }, 'seed load failed');
    }
    const keys = await loadAccountKeys(new KeyFileSeedProvider(keyFile, () => PASSPHRASE), 'regtest');
    logger.info({ keys, accountXpub: keys.accountXpub }, 'signer keys loaded');

    const index = Math.floor(Math.random() * 1_000_000);
    const valid = buildRequest({
      requestId: `leak-${randomUUID()}`,
      inputs: [{ path: addressPath('receive', index), valueKoinu: 10n * DOGE }],
      withdrawals: [
        {
          withdrawalId: `w-${randomUUID()}`,
          destinationAddress: foreignAddress('receive', 0),
          amountKoinu: 2n * DOGE,
        },
      ],
      change: { path: addressPath('change', index), valueKoinu: 8n * DOGE - 226_000n },
    });
    const tampered = buildRequest({
      requestId: `leak-${randomUUID()}`,
      inputs: [{ path: addressPath('receive', index + 1), valueKoinu: 10n * DOGE }],
      withdrawals: [
        {
          withdrawalId: `w-${randomUUID()}`,
          destinationAddress: foreignAddress('receive', 0),
          amountKoinu: 2n * DOGE,
        },
      ],
      change: {
        path: addressPath('change', index + 1),
        valueKoinu: 8n * DOGE - 226_000n,
        payTo: Buffer.from('76a914' + '11'.repeat(20) + '88ac', 'hex'),
      },
    });
    const deps = {
      keys,
      policy: { ...testPolicy, dailyCapKoinu: 1_000_000_000n * DOGE },
      recordDecision: () => undefined,
    };
    const events = [
      requestEvent(wire(valid)),
      requestEvent(wire(valid)),
      requestEvent(wire(tampered)),
      requestEvent({
        ...wire(valid),
        requestId: 'bad',
        withdrawals: [{ withdrawalId: 'x', destinationAddress: 'y', amountKoinu: '1.5' }],
      }),
    ];

    const trx = await db.transaction();
    try {
      const outflowBefore = await outflowLast24h(trx);
      const outcomes: DecisionOutcome[] = [];
      for (const event of events) outcomes.push(await answerSigningRequest(deps, trx, event, logger));
      expect(outcomes).to.deep.equal(['signed', 'replayed', 'refused', 'refused']);

      // The signing log gives back exactly what was signed, in koinu.
      const [logged] = await findSigningsPaying(trx, [valid.withdrawals[0]!.withdrawalId]);
      expect(logged!.withdrawals).to.deep.equal(valid.withdrawals);
      expect(logged!.feeKoinu).to.equal(226_000n);
      expect((await outflowLast24h(trx)) - outflowBefore).to.equal(2n * DOGE + 226_000n);

      const outbox = await trx('outbox')
        .whereIn(
          'causation_id',
          events.map((event) => event.envelope.eventId),
        )
        .orderBy('id')
        .select<{ topic: string; payload: Record<string, unknown> }[]>('topic', 'payload');
      expect(outbox.map((row) => row.topic)).to.deep.equal([
        TOPICS.withdrawalSigned,
        TOPICS.withdrawalSigned,
        TOPICS.withdrawalSigningRefused,
        TOPICS.withdrawalSigningRefused,
      ]);
      expect(outbox[1]!.payload).to.deep.equal(outbox[0]!.payload);
      const refusals = await trx('refusals')
        .whereIn(
          'request_event_id',
          events.map((event) => event.envelope.eventId),
        )
        .select<{ reason: string }[]>('reason');

      const everything = [
        ...lines,
        ...errors,
        ...outbox.map((row) => JSON.stringify(row.payload)),
        ...refusals.map((row) => row.reason),
      ].join('\n');
      expect(lines.length).to.be.greaterThan(4);
      expect(everything).to.contain(keys.accountXpub);
      for (const secret of [...testSecrets(), PASSPHRASE]) {
        expect(everything.includes(secret), `a secret (${secret.length} characters) leaked`).to.equal(false);
      }
    } finally {
      await trx.rollback();
    }
  });
});
