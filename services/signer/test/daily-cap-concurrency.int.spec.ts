// Proves that the daily cap holds when several signer replicas decide at the same moment (production
// runs two): each decision takes the signing log's advisory lock, so requests that fit the cap on
// their own but not together are signed only up to the cap, whichever replica gets there first.
// Each "replica" is its own connection pool, as the signer's role, on a throwaway database migrated with the signer's own
// migrations; every decision commits, as the consumer's inbox transaction would.
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import pino from 'pino';
import { addressPath } from '@dbay/dogecoin';
import { buildEnvelope, type EventMessage } from '@dbay/platform';
import { ThrowawayDatabase } from '@dbay/testing';
import { outflowLast24h } from '../src/adapters/signing-log-repository.js';
import type { SigningRequest } from '../src/domain/signing-request.js';
import { answerSigningRequest, type DecisionOutcome } from '../src/use-cases/sign-withdrawals.js';
import { TOPICS } from '@dbay/contracts';
import { buildRequest, DOGE, foreignAddress, testKeys, testPolicy } from './fixtures/signing-fixtures.js';

const REPLICAS = 4;
const REQUESTS = 12;
const AMOUNT = 100n * DOGE;
const FEE = 226_000n;
/** Room for exactly five of the twelve withdrawals (amount + fee each), not six. */
const DAILY_CAP = 5n * (AMOUNT + FEE) + AMOUNT / 2n;

function requestEvent(request: SigningRequest): EventMessage {
  return {
    envelope: buildEnvelope({
      eventType: TOPICS.withdrawalSigningRequested,
      correlationId: randomUUID(),
      producer: 'withdrawal-saga',
    }),
    payload: {
      ...request,
      withdrawals: request.withdrawals.map((w) => ({ ...w, amountKoinu: w.amountKoinu.toString() })),
    },
  };
}

describe('signer daily cap under concurrent replicas (integration)', function () {
  this.timeout(120_000);
  let database: ThrowawayDatabase | undefined;
  const replicas: Knex[] = [];

  before(async () => {
    database = await ThrowawayDatabase.create({
      name: `dbay_signer_cap_${randomBytes(4).toString('hex')}`,
      services: ['signer'],
    });
    for (let i = 0; i < REPLICAS; i++) {
      replicas.push(
        knexFactory({
          client: 'pg',
          connection: database.urlOf('signer'),
          searchPath: ['signer'],
          pool: { min: 0, max: 3 },
        }),
      );
    }
  });

  after(async () => {
    await Promise.all(replicas.map((replica) => replica.destroy()));
    await database?.drop();
  });

  it('signs only as many withdrawals as the cap allows when every replica decides at once', async () => {
    const deps = {
      keys: testKeys(),
      policy: { ...testPolicy, maxWithdrawalKoinu: AMOUNT, dailyCapKoinu: DAILY_CAP },
      recordDecision: () => undefined,
    };
    const logger = pino({ level: 'silent' });
    const requests = Array.from({ length: REQUESTS }, (_, i) =>
      buildRequest({
        requestId: `cap-${randomUUID()}`,
        inputs: [{ path: addressPath('receive', i), valueKoinu: 200n * DOGE }],
        withdrawals: [
          {
            withdrawalId: `w-${randomUUID()}`,
            destinationAddress: foreignAddress('receive', i),
            amountKoinu: AMOUNT,
          },
        ],
        change: { path: addressPath('change', i), valueKoinu: 200n * DOGE - AMOUNT - FEE },
      }),
    );

    const outcomes: DecisionOutcome[] = await Promise.all(
      requests.map((request, i) =>
        replicas[i % REPLICAS]!.transaction((trx) =>
          answerSigningRequest(deps, trx, requestEvent(request), logger),
        ),
      ),
    );

    expect(outcomes.filter((outcome) => outcome === 'signed')).to.have.length(5);
    expect(outcomes.filter((outcome) => outcome === 'refused')).to.have.length(REQUESTS - 5);
    const outflow = await replicas[0]!.transaction((trx) => outflowLast24h(trx));
    expect(outflow).to.equal(5n * (AMOUNT + FEE));
    expect(outflow <= DAILY_CAP).to.equal(true);
    const refusals = await replicas[0]!('refusals').select<{ code: string }[]>('code');
    expect(refusals.map((row) => row.code)).to.deep.equal(Array(REQUESTS - 5).fill('SIGNER_CAP_EXCEEDED'));
    const answers = await replicas[0]!('outbox').select<{ topic: string }[]>('topic');
    expect(answers.filter((row) => row.topic === TOPICS.withdrawalSigned)).to.have.length(5);
    expect(answers.filter((row) => row.topic === TOPICS.withdrawalSigningRefused)).to.have.length(
      REQUESTS - 5,
    );
  });
});
