// Proves, against the running stack (real Kafka, schema registry, Postgres and the signer process
// that `npm run stack:up` started with its own key file), that a signing request published on
// withdrawal.signing-requested is answered on withdrawal.signed through the signer's outbox, with a
// transaction whose signatures verify against the stack wallet's xpub; that the same request sent
// again is answered identically without a new signature in the log; that an exact redelivery of the
// same event is absorbed by the inbox; that violations are answered on withdrawal.signing-refused;
// and that the signer's log file holds none of the stack wallet's secrets.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import knexFactory, { type Knex } from 'knex';
import { Psbt, Transaction, script as bscript } from 'bitcoinjs-lib';
import {
  accountNodeFromSeed,
  addressPath,
  deriveAddress,
  deriveChild,
  ECPair,
  outputScriptForAddress,
  parseAccountXpub,
  regtest,
} from '@dbay/dogecoin';
import { buildEnvelope, createSchemaRegistry, EventCodec, type EventMessage } from '@dbay/platform';
import { decryptSeed, readKeyFile } from '../src/adapters/secrets/key-file.js';
import type { SigningRequest } from '../src/domain/signing-request.js';
import { TOPICS } from '@dbay/contracts';
import {
  buildBumpRequest,
  buildRequest,
  buildSweepRequest,
  DOGE,
  foreignAddress,
} from './fixtures/signing-fixtures.js';
import { eventually, required, stackEnv } from './support/stack.js';
import { stackKafkaSaslFor } from '@dbay/testing';

const ANSWER_TIMEOUT_MS = 30_000;
/** How long an exact redelivery gets to (wrongly) produce a second answer before we call it absorbed. */
const QUIET_PERIOD_MS = 4_000;

type Answer = EventMessage<Record<string, unknown>> & { topic: string };

function wirePayload(request: SigningRequest): Record<string, unknown> {
  return {
    ...request,
    withdrawals: request.withdrawals.map((w) => ({ ...w, amountKoinu: w.amountKoinu.toString() })),
  };
}

function signaturesVerify(request: SigningRequest, rawTransactionHex: string): boolean {
  const signed = Transaction.fromHex(rawTransactionHex);
  const psbt = Psbt.fromBase64(request.psbtBase64, { network: regtest });
  signed.ins.forEach((input, index) => {
    const [signature, pubkey] = bscript.decompile(input.script) as [Uint8Array, Uint8Array];
    psbt.updateInput(index, { partialSig: [{ pubkey, signature }] });
  });
  return psbt.validateSignaturesOfAllInputs((pubkey, hash, signature) =>
    ECPair.fromPublicKey(pubkey).verify(hash, signature),
  );
}

describe('signer over real Kafka (integration)', function () {
  this.timeout(120_000);
  const env = stackEnv();
  const secretsDir = required(env, 'STACK_SECRETS_DIR');
  const account = parseAccountXpub(readFileSync(join(secretsDir, 'account-xpub.txt'), 'utf8'), regtest);
  const codec = new EventCodec(createSchemaRegistry(required(env, 'SCHEMA_REGISTRY_URL')));
  const kafka = new Kafka({
    clientId: `signer-int-${randomUUID()}`,
    brokers: required(env, 'KAFKA_BROKERS').split(','),
    ...stackKafkaSaslFor(required(env, 'KAFKA_BROKERS')),
    logLevel: logLevel.WARN,
  });
  const answers: Answer[] = [];
  let producer: Producer;
  let consumer: Consumer;
  let db: Knex;
  // A fresh index per run keeps this run's keys, and so its unsigned transactions, apart from earlier runs'.
  const index = Math.floor(Math.random() * 1_000_000);

  const send = async (event: EventMessage, key: string) => {
    await producer.send({
      topic: TOPICS.withdrawalSigningRequested,
      messages: [{ key, value: await codec.encode(TOPICS.withdrawalSigningRequested, event) }],
    });
  };
  const requestEvent = (request: SigningRequest): EventMessage => ({
    envelope: buildEnvelope({
      eventType: TOPICS.withdrawalSigningRequested,
      correlationId: randomUUID(),
      producer: 'withdrawal-saga',
    }),
    payload: wirePayload(request),
  });
  const answersTo = (requestId: string) => answers.filter((answer) => answer.payload.requestId === requestId);
  const answerTo = (requestId: string, count = 1) =>
    eventually(
      async () =>
        Promise.resolve(answersTo(requestId).length >= count ? answersTo(requestId)[count - 1] : undefined),
      ANSWER_TIMEOUT_MS,
      `answer ${count} to ${requestId}`,
    );

  before(async () => {
    db = knexFactory({
      client: 'pg',
      connection: required(env, 'SIGNER_DATABASE_URL'),
      searchPath: ['signer'],
      pool: { min: 0, max: 2 },
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `signer-int-${randomUUID()}`, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({
      topics: [TOPICS.withdrawalSigned, TOPICS.withdrawalSigningRefused],
      fromBeginning: false,
    });
    let joined!: () => void;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        answers.push({
          ...((await codec.decode(message.value)) as EventMessage<Record<string, unknown>>),
          topic,
        });
      },
    });
    await hasJoined;
  });

  after(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await db?.destroy();
  });

  const request = buildRequest({
    account,
    requestId: `int-${randomUUID()}`,
    inputs: [{ path: addressPath('receive', index), valueKoinu: 10n * DOGE }],
    withdrawals: [
      {
        withdrawalId: `w-${randomUUID()}`,
        destinationAddress: foreignAddress('receive', 0),
        amountKoinu: 1n * DOGE,
      },
    ],
    change: { path: addressPath('change', index), valueKoinu: 9n * DOGE - 226_000n },
  });
  const withdrawalId = request.withdrawals[0]!.withdrawalId;
  const first = requestEvent(request);
  let signedAnswer: Answer;

  it('answers a signing request on withdrawal.signed, via the outbox, with signatures that verify', async () => {
    await send(first, request.requestId);
    signedAnswer = await answerTo(request.requestId);
    expect(signedAnswer.topic).to.equal(TOPICS.withdrawalSigned);
    expect(signedAnswer.envelope).to.include({
      eventType: TOPICS.withdrawalSigned,
      producer: 'signer',
      causationId: first.envelope.eventId,
      correlationId: first.envelope.correlationId,
    });
    expect(signedAnswer.payload.withdrawalIds).to.deep.equal([withdrawalId]);
    expect(signedAnswer.payload.feeKoinu).to.equal('226000');
    const raw = signedAnswer.payload.rawTransactionHex as string;
    expect(Transaction.fromHex(raw).getId()).to.equal(signedAnswer.payload.txid);
    expect(signaturesVerify(request, raw)).to.equal(true);

    const outbox = await db('outbox')
      .where({ event_id: signedAnswer.envelope.eventId })
      .first<{ sent_at: Date | null; topic: string }>();
    expect(outbox).to.include({ topic: TOPICS.withdrawalSigned });
    expect(outbox?.sent_at).to.be.instanceOf(Date);
    const logged = await db('signed_withdrawals')
      .join('signings', 'signings.id', 'signed_withdrawals.signing_id')
      .where({ withdrawal_id: withdrawalId })
      .select('txid');
    expect(logged).to.deep.equal([{ txid: signedAnswer.payload.txid }]);
  });

  it('answers the same request sent again identically, signing nothing new', async () => {
    const again = requestEvent(request);
    await send(again, request.requestId);
    const second = await answerTo(request.requestId, 2);
    expect(second.topic).to.equal(TOPICS.withdrawalSigned);
    expect(second.payload).to.deep.equal(signedAnswer.payload);
    expect(second.envelope.causationId).to.equal(again.envelope.eventId);
    const signings = await db('signings')
      .where({ txid: signedAnswer.payload.txid as string })
      .count<{ count: string }[]>({ count: '*' });
    expect(signings[0]!.count).to.equal('1');
  });

  it('absorbs an exact redelivery of the same event in the inbox: no answer, no signature', async () => {
    await send(first, request.requestId);
    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    expect(answersTo(request.requestId)).to.have.length(2);
    const inbox = await db('inbox')
      .where({ event_id: first.envelope.eventId })
      .count<{ count: string }[]>({ count: '*' });
    expect(inbox[0]!.count).to.equal('1');
  });

  it('refuses a different transaction for the signed withdrawal id', async () => {
    const other = buildRequest({
      account,
      requestId: `int-${randomUUID()}`,
      inputs: [{ path: addressPath('receive', index + 1), valueKoinu: 10n * DOGE }],
      withdrawals: request.withdrawals,
      change: { path: addressPath('change', index + 1), valueKoinu: 9n * DOGE - 226_000n },
    });
    await send(requestEvent(other), other.requestId);
    const refused = await answerTo(other.requestId);
    expect(refused.topic).to.equal(TOPICS.withdrawalSigningRefused);
    expect(refused.payload).to.include({ reasonCode: 'SIGNER_WITHDRAWAL_ALREADY_SIGNED' });
    expect(refused.payload.withdrawalIds).to.deep.equal([withdrawalId]);
  });

  it('refuses a tampered amount and records the refusal', async () => {
    const tampered = buildRequest({
      account,
      requestId: `int-${randomUUID()}`,
      inputs: [{ path: addressPath('receive', index + 2), valueKoinu: 10n * DOGE }],
      withdrawals: [
        {
          withdrawalId: `w-${randomUUID()}`,
          destinationAddress: foreignAddress('receive', 1),
          amountKoinu: 1n * DOGE,
        },
      ],
      change: { path: addressPath('change', index + 2), valueKoinu: 9n * DOGE - 226_000n },
      tamperOutput: (outputs) => {
        outputs[0]!.value += 1000n;
        outputs[1]!.value -= 1000n;
      },
    });
    await send(requestEvent(tampered), tampered.requestId);
    const refused = await answerTo(tampered.requestId);
    expect(refused.payload).to.include({ reasonCode: 'SIGNER_OUTPUT_MISMATCH' });
    const rows = await db('refusals').where({ request_id: tampered.requestId }).select('code');
    expect(rows).to.deep.equal([{ code: 'SIGNER_OUTPUT_MISMATCH' }]);
  });

  it('signs a fee bump once, logs it as FEE_BUMP, and refuses a second bump of the same transaction', async () => {
    const { request: bump, bumped } = buildBumpRequest({
      account,
      requestId: `int-bump-${randomUUID()}`,
      inputPath: addressPath('change', index + 3),
      outputPath: addressPath('change', index + 4),
      bumpedPaddingOutputs: 10,
    });
    await send(requestEvent(bump), bump.requestId);
    const signed = await answerTo(bump.requestId);
    expect(signed.topic).to.equal(TOPICS.withdrawalSigned);
    expect(signed.payload).to.include({ feeKoinu: '2000000', changeOutputIndex: 0 });
    expect(signed.payload.withdrawalIds).to.deep.equal([]);
    expect(signaturesVerify(bump, signed.payload.rawTransactionHex as string)).to.equal(true);
    const logged = await db('signings')
      .where({ txid: signed.payload.txid as string })
      .first<{ purpose: string; bumped_txid: string; outflow_koinu: string; fee_koinu: string }>();
    expect(logged).to.include({
      purpose: 'FEE_BUMP',
      bumped_txid: bumped.getId(),
      outflow_koinu: '2000000',
      fee_koinu: '2000000',
    });

    const { request: second } = buildBumpRequest({
      account,
      bumped,
      requestId: `int-bump-${randomUUID()}`,
      inputPath: addressPath('change', index + 3),
      outputPath: addressPath('change', index + 5),
      feeKoinu: 2_100_000n,
    });
    await send(requestEvent(second), second.requestId);
    const refused = await answerTo(second.requestId);
    expect(refused.topic).to.equal(TOPICS.withdrawalSigningRefused);
    expect(refused.payload).to.include({ reasonCode: 'SIGNER_ALREADY_BUMPED' });
    expect(String(refused.payload.reason)).to.contain(String(signed.payload.txid));
  });

  it("signs a sweep only to the stack's cold account, and refuses one to any other address", async () => {
    const coldXpub = readFileSync(join(secretsDir, 'cold-account-xpub.txt'), 'utf8').trim();
    const coldIndex = 1_000_000 + index;
    const coldScript = outputScriptForAddress(
      deriveAddress(parseAccountXpub(coldXpub, regtest), 'receive', coldIndex, regtest).address,
      regtest,
    );
    const sweep = buildSweepRequest({
      account,
      inputIndex: index + 6,
      requestId: `int-sweep-${randomUUID()}`,
      coldAddressIndexes: [coldIndex],
      outputs: [{ script: coldScript }],
    });
    await send(requestEvent(sweep), sweep.requestId);
    const signed = await answerTo(sweep.requestId);
    expect(signed.topic).to.equal(TOPICS.withdrawalSigned);
    const logged = await db('signings')
      .where({ txid: signed.payload.txid as string })
      .first<{ purpose: string; outflow_koinu: string; fee_koinu: string }>();
    expect(logged).to.include({ purpose: 'SWEEP', outflow_koinu: logged.fee_koinu });

    const elsewhere = buildSweepRequest({
      account,
      inputIndex: index + 7,
      requestId: `int-sweep-${randomUUID()}`,
      coldAddressIndexes: [coldIndex + 1],
      outputs: [{ script: outputScriptForAddress(foreignAddress('receive', 2), regtest) }],
    });
    await send(requestEvent(elsewhere), elsewhere.requestId);
    const refused = await answerTo(elsewhere.requestId);
    expect(refused.topic).to.equal(TOPICS.withdrawalSigningRefused);
    expect(refused.payload).to.include({ reasonCode: 'SIGNER_SWEEP_NOT_COLD' });
    expect(await db('refusals').where({ request_id: elsewhere.requestId }).select('code')).to.deep.equal([
      { code: 'SIGNER_SWEEP_NOT_COLD' },
    ]);
  });

  it("never writes the stack wallet's seed, keys or passphrase to the signer's log", () => {
    const passphrase = readFileSync(join(secretsDir, 'signer-key-passphrase'), 'utf8').trim();
    const seed = decryptSeed(readKeyFile(join(secretsDir, 'signer-wallet.key.json')), passphrase);
    const node = accountNodeFromSeed(seed, regtest);
    const child = deriveChild(node, 'receive', index);
    const secrets = [
      passphrase,
      Buffer.from(seed).toString('hex'),
      Buffer.from(seed).toString('base64'),
      node.toBase58(),
      Buffer.from(node.privateKey!).toString('hex'),
      Buffer.from(child.privateKey!).toString('hex'),
      child.toWIF(),
    ];
    const log = readFileSync(join(required(env, 'STACK_LOG_DIR'), 'signer.log'), 'utf8');
    expect(log).to.contain(request.requestId);
    for (const secret of secrets) expect(log.includes(secret), 'a secret is in signer.log').to.equal(false);
  });
});
