// Proves the idempotent consumer on the real stack: the same event delivered twice, or a whole topic
// replayed byte for byte with kcat, applies its effect once; a value that is not Avro for its subject
// and an event whose handler always throws both land in `<topic>.dlq` with the reason and their origin,
// and the message behind them on the same partition is still consumed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kcat } from '@dbay/testing';
import { expect } from 'chai';
import type { Kafka, Producer } from 'kafkajs';
import {
  buildEnvelope,
  createRelayProducer,
  createMetrics,
  DLQ_HEADER,
  dlqTopicOf,
  IdempotentConsumer,
  PermanentEventError,
  type BatchEventHandler,
  type EventHandler,
  type EventMessage,
  type PlatformMetrics,
} from '../src/index.js';
import {
  createTestSchema,
  createTestTopic,
  effectsOf,
  endpoints,
  observed,
  FAST_CONSUMER_CONFIG,
  readTopic,
  suffix,
  testKafka,
  testLogger,
  total,
  waitFor,
  type ReadMessage,
  type TestPayload,
} from './support/harness.js';

describe('idempotent consumer (integration)', function () {
  this.timeout(60_000);
  let kafka: Kafka;
  let producer: Producer;
  let db: Awaited<ReturnType<typeof createTestSchema>>;
  let topic: Awaited<ReturnType<typeof createTestTopic>>;
  let consumer: IdempotentConsumer | undefined;

  beforeEach(async () => {
    kafka = testKafka();
    producer = createRelayProducer(kafka);
    await producer.connect();
    db = await createTestSchema();
    topic = await createTestTopic(kafka);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await producer.disconnect();
    await topic.remove();
    await db.drop();
  });

  const recordEffect: EventHandler<TestPayload> = async (trx, event) => {
    await trx('effects').insert({ event_id: event.envelope.eventId, n: event.payload.n });
  };

  async function startConsumer(
    handler: EventHandler<TestPayload> | { batch: BatchEventHandler<TestPayload>; maxBatchSize?: number },
    extra: { maxAttempts?: number } = {},
  ) {
    const metrics = createMetrics({ service: 'consumer' });
    consumer = new IdempotentConsumer({
      kafka,
      knex: db.knex,
      codec: topic.codec,
      logger: testLogger(),
      metrics,
      groupId: `test-${suffix()}`,
      consumerName: `test-inbox-${topic.topic}`,
      consumerConfig: FAST_CONSUMER_CONFIG,
      retryInitialBackoffMs: 20,
      ...(typeof handler === 'function'
        ? { handlers: { [topic.topic]: handler as EventHandler<never> } }
        : {
            handlers: {},
            batchHandlers: { [topic.topic]: handler.batch as BatchEventHandler<never> },
            maxBatchSize: handler.maxBatchSize,
          }),
      ...extra,
    });
    await consumer.start();
    return metrics;
  }

  const handled = async (metrics: PlatformMetrics) =>
    (await total(metrics.consumerProcessed)) +
    (await total(metrics.consumerDuplicates)) +
    (await total(metrics.consumerDeadLettered));

  async function encoded(n: string): Promise<{ eventId: string; value: Buffer }> {
    const envelope = buildEnvelope({
      eventType: topic.topic,
      correlationId: `flow-${n}`,
      producer: 'platform-test',
    });
    const event: EventMessage<TestPayload> = { envelope, payload: { n } };
    return { eventId: envelope.eventId, value: await topic.codec.encode(topic.topic, event) };
  }

  it('applies an event delivered twice once', async () => {
    const { eventId, value } = await encoded('twice');
    await producer.send({
      topic: topic.topic,
      messages: [
        { key: 'user-1', value },
        { key: 'user-1', value },
      ],
    });
    const metrics = await startConsumer(recordEffect);
    await waitFor('both deliveries handled', async () => (await handled(metrics)) === 2);
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: eventId, n: 'twice' }]);
    expect(await total(metrics.consumerDuplicates)).to.equal(1);
  });

  it('applies a whole topic replayed with kcat once', async () => {
    const originals = await Promise.all(['a', 'b', 'c', 'd'].map((n) => encoded(n)));
    await producer.send({
      topic: topic.topic,
      messages: originals.map(({ value }, i) => ({ key: `user-${i % 2}`, value })),
    });
    const metrics = await startConsumer(recordEffect);
    await waitFor('originals applied', async () => (await total(metrics.consumerProcessed)) === 4);

    const dumped = await kcatDump(topic.topic);
    expect(dumped).to.have.length(4);
    await kcatProduce(topic.topic, dumped);
    await waitFor('replay handled', async () => (await total(metrics.consumerDuplicates)) === 4);

    const effects = await effectsOf(db.knex);
    expect(effects.map((e) => e.n).sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    // The replay really re-produced the same bytes under the same keys, on the same partitions.
    const onTopic = await readTopic(kafka, topic.topic);
    expect(onTopic).to.have.length(8);
    for (const original of dumped) {
      const copies = onTopic.filter((m) => m.value?.equals(original.value) && m.key?.equals(original.key));
      expect(copies.map((m) => m.partition)).to.deep.equal([original.partition, original.partition]);
    }
  });

  it('dead-letters a value that is not Avro for its subject, with its origin, and consumes the next message', async () => {
    const notAvro = Buffer.from('{"n":"json, not avro"}');
    const header = Buffer.alloc(5);
    header.writeInt32BE(topic.schemaId, 1);
    const truncatedAvro = Buffer.concat([header, Buffer.from([0x7f])]);
    const valid = await encoded('after-garbage');
    await producer.send({
      topic: topic.topic,
      messages: [notAvro, truncatedAvro, valid.value].map((value) => ({ key: 'user-9', value })),
    });
    const metrics = await startConsumer(recordEffect);
    await waitFor('all three handled', async () => (await handled(metrics)) === 3);
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: valid.eventId, n: 'after-garbage' }]);

    const originals = await readTopic(kafka, topic.topic);
    const letters = await readTopic(kafka, dlqTopicOf(topic.topic));
    expect(letters.map((m) => m.value)).to.deep.equal([notAvro, truncatedAvro]);
    for (const [i, letter] of letters.entries()) {
      expect(letter.key?.toString()).to.equal('user-9');
      expect(headerOf(letter, DLQ_HEADER.reason)).to.match(
        i === 0 ? /^undecodable: .*magic byte/ : /^undecodable: .*not valid Avro/,
      );
      expect(headerOf(letter, DLQ_HEADER.originalTopic)).to.equal(topic.topic);
      expect(headerOf(letter, DLQ_HEADER.originalPartition)).to.equal(String(originals[i]!.partition));
      expect(headerOf(letter, DLQ_HEADER.originalOffset)).to.equal(originals[i]!.offset);
      expect(headerOf(letter, DLQ_HEADER.consumer)).to.match(/^test-/);
    }
  });

  it('dead-letters an event whose handler always throws after the bounded attempts, and moves on', async () => {
    const MAX_ATTEMPTS = 3;
    let poisonAttempts = 0;
    const poison = await encoded('poison');
    const next = await encoded('next');
    await producer.send({
      topic: topic.topic,
      messages: [poison, next].map(({ value }) => ({ key: 'user-5', value })),
    });
    const metrics = await startConsumer(
      async (trx, event, context) => {
        if (event.payload.n === 'poison') {
          poisonAttempts = context.attempt;
          throw new Error('handler bug');
        }
        await recordEffect(trx, event, context);
      },
      { maxAttempts: MAX_ATTEMPTS },
    );
    await waitFor('both handled', async () => (await handled(metrics)) === 2);
    expect(poisonAttempts).to.equal(MAX_ATTEMPTS);
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: next.eventId, n: 'next' }]);
    expect(await db.knex('inbox').where({ event_id: poison.eventId })).to.have.length(0);
    const letters = await readTopic(kafka, dlqTopicOf(topic.topic));
    expect(letters).to.have.length(1);
    expect(letters[0]!.value?.equals(poison.value)).to.equal(true);
    expect(headerOf(letters[0]!, DLQ_HEADER.reason)).to.equal(
      'handler failed after 3 attempts: Error: handler bug',
    );
  });

  it('dead-letters a permanently rejected event on the first attempt, and moves on', async () => {
    let rejectedAttempts = 0;
    const rejected = await encoded('unknown-order');
    const next = await encoded('next');
    await producer.send({
      topic: topic.topic,
      messages: [rejected, next].map(({ value }) => ({ key: 'user-6', value })),
    });
    const metrics = await startConsumer(
      async (trx, event, context) => {
        if (event.payload.n === 'unknown-order') {
          rejectedAttempts += 1;
          throw new PermanentEventError('no such order');
        }
        await recordEffect(trx, event, context);
      },
      { maxAttempts: 5 },
    );
    await waitFor('both handled', async () => (await handled(metrics)) === 2);
    expect(rejectedAttempts).to.equal(1);
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: next.eventId, n: 'next' }]);
    expect(await db.knex('inbox').where({ event_id: rejected.eventId })).to.have.length(0);
    const letters = await readTopic(kafka, dlqTopicOf(topic.topic));
    expect(letters).to.have.length(1);
    expect(headerOf(letters[0]!, DLQ_HEADER.reason)).to.equal(
      'handler rejected it for good: PermanentEventError: no such order',
    );
  });

  describe('with a batch handler (group commit)', () => {
    /** Each call of the batch handler: the runs it got and the transaction it ran in. */
    let calls: { ns: string[]; txid: string }[];
    beforeEach(() => {
      calls = [];
    });

    const recordBatch =
      (reject?: string): BatchEventHandler<TestPayload> =>
      async (trx, items) => {
        const { rows } = await trx.raw<{ rows: { txid: string }[] }>('SELECT txid_current()::text AS txid');
        calls.push({ ns: items.map((item) => item.event.payload.n), txid: rows[0]!.txid });
        if (reject && items.some((item) => item.event.payload.n === reject)) {
          throw new PermanentEventError(`${reject} names nothing`);
        }
        await trx('effects').insert(
          items.map(({ event }) => ({ event_id: event.envelope.eventId, n: event.payload.n })),
        );
      };

    it('applies a run of messages in one transaction each, and a copy of an event in the same run once', async () => {
      const events = await Promise.all(Array.from({ length: 30 }, (_, i) => encoded(`m${i}`)));
      await producer.send({
        topic: topic.topic,
        messages: [...events, events[7]!].map(({ value }) => ({ key: 'user-1', value })),
      });
      const metrics = await startConsumer({ batch: recordBatch(), maxBatchSize: 12 });
      await waitFor('all 31 handled', async () => (await handled(metrics)) === 31);

      expect((await effectsOf(db.knex)).map((e) => e.n).sort()).to.deep.equal(
        events.map((_, i) => `m${i}`).sort(),
      );
      expect(await total(metrics.consumerDuplicates)).to.equal(1);
      // Fetched together, the 31 messages went as runs of at most 12, in offset order, one
      // transaction per run, and the copy of m7 never reached the handler.
      expect(calls.map((call) => call.ns.length)).to.deep.equal([12, 12, 6]);
      expect(calls.flatMap((call) => call.ns)).to.deep.equal(events.map((_, i) => `m${i}`));
      expect(new Set(calls.map((call) => call.txid)).size).to.equal(3);
      // The batch-size metric saw the three runs and every message fetched, the copy included.
      expect(await observed(metrics.consumerBatchSize)).to.deep.equal({ count: 3, sum: 31 });
      // The inbox holds every event once, so a redelivery of the whole run changes nothing.
      expect(await db.knex('inbox').count<{ count: string }[]>('* as count')).to.deep.equal([
        { count: '30' },
      ]);
    });

    it('a run redelivered after a crash before its offset commit changes nothing', async () => {
      const events = await Promise.all(Array.from({ length: 20 }, (_, i) => encoded(`r${i}`)));
      await producer.send({
        topic: topic.topic,
        messages: events.map(({ value }) => ({ key: 'user-4', value })),
      });
      const first = await startConsumer({ batch: recordBatch() });
      await waitFor('the run applied', async () => (await total(first.consumerProcessed)) === 20);
      await consumer?.stop();
      // A new group with the same inbox name reads the partition from the start: exactly what a
      // crash between the run's commit and its offset commit leads to.
      const again = await startConsumer({ batch: recordBatch() });
      await waitFor('the redelivery handled', async () => (await total(again.consumerDuplicates)) === 20);
      expect(await total(again.consumerProcessed)).to.equal(0);
      expect(await effectsOf(db.knex)).to.have.length(20);
      expect(calls).to.have.length(1);
    });

    it('dead-letters only the message its batch handler rejects, and applies its neighbours one at a time', async () => {
      const events = await Promise.all(['a', 'b', 'poison', 'c'].map((n) => encoded(n)));
      await producer.send({
        topic: topic.topic,
        messages: events.map(({ value }) => ({ key: 'user-2', value })),
      });
      const metrics = await startConsumer({ batch: recordBatch('poison') });
      await waitFor('all four handled', async () => (await handled(metrics)) === 4);

      expect((await effectsOf(db.knex)).map((e) => e.n).sort()).to.deep.equal(['a', 'b', 'c']);
      // The run was tried whole (and rolled back), then message by message.
      expect(calls.map((call) => call.ns)).to.deep.equal([
        ['a', 'b', 'poison', 'c'],
        ['a'],
        ['b'],
        ['poison'],
        ['c'],
      ]);
      const letters = await readTopic(kafka, dlqTopicOf(topic.topic));
      expect(letters.map((letter) => letter.value)).to.deep.equal([events[2]!.value]);
      expect(headerOf(letters[0]!, DLQ_HEADER.reason)).to.equal(
        'handler rejected it for good: PermanentEventError: poison names nothing',
      );
      expect(await db.knex('inbox').where({ event_id: events[2]!.eventId })).to.have.length(0);
      // Applied alone, each of the four is a run of one in the batch-size metric; the failed run of
      // four is not counted, as it changed nothing.
      expect(await observed(metrics.consumerBatchSize)).to.deep.equal({ count: 4, sum: 4 });
    });

    it('sends an undecodable message in a run to the DLQ and applies the rest', async () => {
      const before = await encoded('before');
      const after = await encoded('after');
      const notAvro = Buffer.from('not avro');
      await producer.send({
        topic: topic.topic,
        messages: [before.value, notAvro, after.value].map((value) => ({ key: 'user-3', value })),
      });
      const metrics = await startConsumer({ batch: recordBatch() });
      await waitFor('all three handled', async () => (await handled(metrics)) === 3);
      expect((await effectsOf(db.knex)).map((e) => e.n).sort()).to.deep.equal(['after', 'before']);
      expect((await readTopic(kafka, dlqTopicOf(topic.topic))).map((m) => m.value)).to.deep.equal([notAvro]);
    });
  });
});

function headerOf(message: ReadMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

interface DumpedMessage {
  partition: number;
  key: Buffer;
  value: Buffer;
}

/** `kcat -C` with a length-prefixed format, so binary Avro values and keys come back byte-exact. */
async function kcatDump(topic: string): Promise<DumpedMessage[]> {
  const stdout = await kcat(
    ['-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', '%p:%K:%S:%k%s'],
    endpoints.brokers,
  );
  const messages: DumpedMessage[] = [];
  let at = 0;
  const field = (): number => {
    const end = stdout.indexOf(':', at);
    const value = Number(stdout.subarray(at, end).toString());
    at = end + 1;
    return value;
  };
  while (at < stdout.length) {
    const partition = field();
    const keyLength = field();
    const valueLength = field();
    const key = stdout.subarray(at, at + keyLength);
    at += keyLength;
    const value = stdout.subarray(at, at + valueLength);
    at += valueLength;
    messages.push({ partition, key, value });
  }
  return messages;
}

/** `kcat -P`, one file per message (kcat's byte-exact mode), to the same partition under the same key. */
async function kcatProduce(topic: string, messages: DumpedMessage[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kcat-replay-'));
  try {
    for (const [i, message] of messages.entries()) {
      const file = join(dir, `${i}.bin`);
      await writeFile(file, message.value);
      const args = ['-P', '-t', topic, '-p', String(message.partition)];
      await kcat([...args, '-k', message.key.toString('utf8'), file], endpoints.brokers);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
