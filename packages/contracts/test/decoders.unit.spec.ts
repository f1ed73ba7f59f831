// Proves that each topic's generated decoder accepts exactly what the platform's codec decodes from a
// value of that topic's schema, returns it unchanged and typed, and refuses anything else with one
// coded, permanent error that names the topic and the fields, never their values.
import { expect } from 'chai';
import avro from 'avsc';
import fc from 'fast-check';
import { PermanentEventError } from '@dbay/platform';
import { payloadRecordOf } from '../../../scripts/contracts/avro-model.js';
import { readJson } from '../../../scripts/contracts/declarations.js';
import {
  decodeDepositAddressAssigned,
  decodeDepositDetected,
  decodePayload,
  PAYLOAD_CONTRACT_ERROR_CODE,
  PAYLOAD_DECODERS,
  PayloadContractError,
  TOPIC_DECLARATIONS,
  TOPICS,
  type DepositDetectedPayload,
  type Topic,
} from '../src/index.js';
import { arbitraryOf, throughAvro } from './avro-arbitrary.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const ENVELOPE = {
  eventId: '00000000-0000-4000-8000-000000000001',
  eventType: 'any',
  occurredAt: '2026-11-24T12:00:00.000Z',
  correlationId: 'c',
  causationId: null,
  producer: 'test',
};

const detected: DepositDetectedPayload = {
  userId: '10000000-0000-4000-8000-000000000001',
  address: 'mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef',
  txid: 'ab'.repeat(32),
  vout: 1,
  amountKoinu: '100000000',
  confirmations: 0,
  blockHash: null,
  blockHeight: null,
};

function contractErrorOf(decode: () => unknown): PayloadContractError {
  try {
    decode();
  } catch (error) {
    if (error instanceof PayloadContractError) return error;
    throw error;
  }
  throw new Error('expected a PayloadContractError');
}

describe('generated payload decoders', () => {
  const topics = Object.keys(TOPIC_DECLARATIONS) as Topic[];

  it('cover every declared topic, by name', () => {
    expect(Object.keys(PAYLOAD_DECODERS).sort()).to.deep.equal([...topics].sort());
    expect(Object.values(TOPICS).sort()).to.deep.equal([...topics].sort());
  });

  for (const topic of topics) {
    it(`${topic}: returns exactly what avsc decodes from a value of the schema`, async () => {
      const schema = await readJson(repoRoot, `schemas/${topic}.avsc`);
      const type = avro.Type.forSchema(schema as avro.Schema);
      const payloads = arbitraryOf(payloadRecordOf(schema, topic));
      fc.assert(
        fc.property(payloads, (payload) => {
          const decoded = throughAvro(type, { envelope: ENVELOPE, payload }) as { payload: unknown };
          expect(decodePayload(topic, decoded.payload)).to.deep.equal(decoded.payload);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('refuses a payload that breaks the schema with one coded, permanent error naming topic and fields', () => {
    const error = contractErrorOf(() =>
      decodeDepositDetected({ ...detected, vout: '1', blockHeight: 1.5, amountKoinu: undefined }),
    );
    expect(error).to.be.instanceOf(PermanentEventError);
    expect(error.code).to.equal(PAYLOAD_CONTRACT_ERROR_CODE);
    expect(error.topic).to.equal('deposit.detected');
    expect(error.issues.map((issue) => issue.split(':')[0])).to.deep.equal([
      'vout',
      'amountKoinu',
      'blockHeight',
    ]);
    expect(error.message).to.match(/^CONTRACT_PAYLOAD_INVALID: deposit\.detected payload does not match/);
  });

  it('names the fields but never echoes their values', () => {
    const error = contractErrorOf(() => decodeDepositDetected({ ...detected, txid: 12345678901 }));
    expect(error.message).to.contain('txid');
    expect(error.message).not.to.contain('12345678901');
  });

  it('holds int and long to the ranges avsc decodes (int32; a long within 2^53 - 2)', () => {
    expect(() => decodeDepositDetected({ ...detected, vout: 2 ** 31 })).to.throw(PayloadContractError);
    expect(decodeDepositDetected({ ...detected, vout: 2 ** 31 - 1 }).vout).to.equal(2 ** 31 - 1);
    const highest = 2 ** 53 - 2;
    expect(decodeDepositDetected({ ...detected, blockHeight: highest }).blockHeight).to.equal(highest);
    expect(decodeDepositDetected({ ...detected, blockHeight: -highest }).blockHeight).to.equal(-highest);
    const assigned = {
      userId: detected.userId,
      address: detected.address,
      derivationPath: "m/44'/3'/0'/0/7",
      addressIndex: highest + 1,
    };
    expect(() => decodeDepositAddressAssigned(assigned)).to.throw(PayloadContractError);
    expect(() => decodeDepositAddressAssigned({ ...assigned, addressIndex: 7n })).to.throw(
      PayloadContractError,
    );
    expect(() => decodeDepositAddressAssigned({ ...assigned, addressIndex: 7.5 })).to.throw(
      PayloadContractError,
    );
  });

  it('drops fields the schema does not have (a message written by a newer schema version)', () => {
    const decoded = decodeDepositDetected({ ...detected, addedLater: 'x' });
    expect(decoded).to.deep.equal(detected);
  });

  it('refuses what is not an object at all', () => {
    for (const value of [null, undefined, 'x', 1, []]) {
      expect(() => decodeDepositDetected(value), String(value)).to.throw(PayloadContractError);
    }
  });
});
