// Proves the transactional outbox on the real stack: an event exists on Kafka only if its transaction
// committed; a relay that dies between publishing and marking the row sent causes a second copy on the
// topic but still exactly one effect at the consumer (a crash simulated in-process, and a real SIGKILL of
// a relay process); and relays running side by side publish every row exactly once (and, in the default
// ordered mode, keep each key's events in commit order).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Kafka } from 'kafkajs';
import {
  createMetrics,
  enqueueEvent,
  enqueueEvents,
  IdempotentConsumer,
  OutboxRelay,
  type EventCodec,
  type EventMessage,
  type PlatformMetrics,
} from '../src/index.js';
import {
  createTestSchema,
  createTestTopic,
  effectsOf,
  FAST_CONSUMER_CONFIG,
  readTopic,
  suffix,
  testKafka,
  testLogger,
  total,
  waitFor,
  type TestPayload,
} from './support/harness.js';

class SimulatedCrash extends Error {}

const KILLED_RELAY = fileURLToPath(new URL('./fixtures/relay-killed-after-publish.ts', import.meta.url));

/** Runs the relay fixture to its death; resolves with the signal that ended it (or its exit code). */
function runRelayThatDiesAfterPublishing(schema: string): Promise<string | number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', KILLED_RELAY], {
    env: { ...process.env, OUTBOX_SCHEMA: schema },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ?? code));
  });
}

describe('transactional outbox (integration)', function () {
  this.timeout(60_000);
  let kafka: Kafka;
  let db: Awaited<ReturnType<typeof createTestSchema>>;
  let topic: Awaited<ReturnType<typeof createTestTopic>>;

  beforeEach(async () => {
    kafka = testKafka();
    db = await createTestSchema();
    topic = await createTestTopic(kafka);
  });

  afterEach(async () => {
    await topic.remove();
    await db.drop();
  });

  const relay = (
    metrics: PlatformMetrics,
    extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {},
  ) =>
    new OutboxRelay({
      knex: db.knex,
      schema: db.schema,
      kafka,
      codec: topic.codec,
      logger: testLogger(),
      metrics,
      producerName: 'platform-test',
      pollIntervalMs: 100,
      ...extra,
    });

  const decodeAll = async (codec: EventCodec) =>
    Promise.all(
      (await readTopic(kafka, topic.topic)).map(async (m) => ({
        ...m,
        event: (await codec.decode(m.value)) as EventMessage<TestPayload>,
      })),
    );

  it('writes the events of one state change with one statement, in their order, and publishes them so', async () => {
    const events = ['first', 'second', 'third'].map((n) => ({
      topic: topic.topic,
      key: 'order-1',
      payload: { n },
      correlationId: 'c-many',
    }));
    const outside = await enqueueEvents(db.knex as never, events).catch((error: Error) => error.message);
    expect(outside).to.match(/inside the knex transaction/);
    const eventIds = await db.knex.transaction((trx) => enqueueEvents(trx, events));
    expect(new Set(eventIds).size).to.equal(3);
    const rows = await db.knex<{ event_id: string }>('outbox').orderBy('id').select('event_id');
    expect(rows.map((row) => row.event_id)).to.deep.equal(eventIds);

    const publisher = relay(createMetrics({ service: 'many' }));
    await publisher.start();
    await waitFor(
      'all three marked sent',
      async () => (await db.knex('outbox').whereNotNull('sent_at')).length === 3,
    );
    await publisher.stop();
    const onTopic = await decodeAll(topic.codec);
    expect(onTopic.map((m) => m.event.envelope.eventId)).to.deep.equal(eventIds);
    expect(onTopic.map((m) => m.event.payload.n)).to.deep.equal(['first', 'second', 'third']);
  });

  it('never publishes a rolled-back row, and applies a committed one exactly once across a relay crash after send', async () => {
    await db.knex
      .transaction(async (trx) => {
        await enqueueEvent(trx, {
          topic: topic.topic,
          key: 'user-1',
          payload: { n: 'rolled-back' },
          correlationId: 'c-1',
        });
        throw new Error('the state change failed');
      })
      .catch(() => undefined);
    const eventId = await db.knex.transaction((trx) =>
      enqueueEvent(trx, {
        topic: topic.topic,
        key: 'user-1',
        payload: { n: 'committed' },
        correlationId: 'c-2',
      }),
    );

    // Relay A publishes, then "dies" before marking the row sent.
    const crashing = relay(createMetrics({ service: 'a' }), {
      afterPublish: () => {
        throw new SimulatedCrash('killed after send');
      },
    });
    let crashed = false;
    await crashing.publishBatch().catch((error) => (crashed = error instanceof SimulatedCrash));
    await crashing.stop({ flush: false });
    expect(crashed).to.equal(true);
    const row = await db
      .knex<{ event_id: string; sent_at: Date | null }>('outbox')
      .where('event_id', eventId)
      .first();
    expect(row?.sent_at, 'row still pending after the crash').to.equal(null);

    // A fresh relay finds the row pending and publishes it again.
    const fresh = relay(createMetrics({ service: 'b' }));
    await fresh.start();
    await waitFor(
      'row marked sent',
      async () => (await db.knex('outbox').where({ event_id: eventId }).whereNotNull('sent_at')).length === 1,
    );
    await fresh.stop();

    const onTopic = await decodeAll(topic.codec);
    expect(onTopic.map((m) => m.event.payload.n)).to.deep.equal(['committed', 'committed']);
    expect(
      onTopic.every((m) => m.event.envelope.eventId === eventId && m.key?.toString() === 'user-1'),
    ).to.equal(true);
    expect(onTopic[0]?.event.envelope).to.include({
      eventType: topic.topic,
      correlationId: 'c-2',
      causationId: null,
      producer: 'platform-test',
    });
    expect(
      (await db.knex('outbox').count({ rows: '*' }))[0]?.rows,
      'the rolled-back row never existed',
    ).to.equal('1');

    const metrics = createMetrics({ service: 'consumer' });
    const consumer = new IdempotentConsumer({
      kafka,
      knex: db.knex,
      codec: topic.codec,
      logger: testLogger(),
      metrics,
      groupId: `effects-${suffix()}`,
      consumerConfig: FAST_CONSUMER_CONFIG,
      handlers: {
        [topic.topic]: async (trx, event: EventMessage<TestPayload>) => {
          await trx('effects').insert({ event_id: event.envelope.eventId, n: event.payload.n });
        },
      },
    });
    await consumer.start();
    try {
      await waitFor(
        'both copies handled',
        async () =>
          (await total(metrics.consumerProcessed)) + (await total(metrics.consumerDuplicates)) === 2,
      );
    } finally {
      await consumer.stop();
    }
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: eventId, n: 'committed' }]);
    expect(await total(metrics.consumerDuplicates)).to.equal(1);
  });

  it('parks an event too large for the broker and keeps publishing the rest, before and after it', async () => {
    // Sent, the broker would refuse it on every try, and the refused produce leaves the idempotent
    // producer out of step with the broker: every later event of the service would fail too.
    const enqueue = (n: string, key: string) =>
      db.knex.transaction((trx) =>
        enqueueEvent(trx, { topic: topic.topic, key, payload: { n }, correlationId: key }),
      );
    await enqueue('before', 'k-1');
    const huge = await enqueue('x'.repeat(1_100_000), 'k-2');
    await enqueue('after', 'k-3');
    const metrics = createMetrics({ service: 'parks' });
    const running = relay(metrics);
    await running.start();
    await waitFor(
      'every row settled',
      async () => (await db.knex('outbox').whereNull('sent_at').whereNull('parked_at')).length === 0,
    );
    await enqueue('later', 'k-4');
    await waitFor(
      'the later row sent',
      async () => (await db.knex('outbox').whereNull('sent_at').whereNull('parked_at')).length === 0,
    );
    await running.stop();

    const parked = await db
      .knex<{ event_id: string; last_error: string | null }>('outbox')
      .whereNotNull('parked_at')
      .select('event_id', 'last_error');
    expect(parked.map((row) => row.event_id)).to.deep.equal([huge]);
    expect(parked[0]!.last_error).to.match(/^the encoded event is \d+ bytes, more than the 1000000 bytes/);
    expect(await total(metrics.outboxParked)).to.equal(1);
    const onTopic = await decodeAll(topic.codec);
    expect(onTopic.map((m) => m.event.payload.n).sort()).to.deep.equal(['after', 'before', 'later']);
  });

  it('keeps a row pending when its relay process is SIGKILLed between publishing and marking it sent; the next relay sends it again and the consumer applies it once', async () => {
    const eventId = await db.knex.transaction((trx) =>
      enqueueEvent(trx, {
        topic: topic.topic,
        key: 'user-7',
        payload: { n: 'survives a kill' },
        correlationId: 'c-kill',
      }),
    );

    expect(await runRelayThatDiesAfterPublishing(db.schema), 'how the relay process ended').to.equal(
      'SIGKILL',
    );
    const afterKill = await db.knex<{ sent_at: Date | null }>('outbox').where('event_id', eventId).first();
    expect(afterKill?.sent_at, 'the dead relay never marked the row').to.equal(null);
    expect(await decodeAll(topic.codec), 'the dead relay had published it').to.have.length(1);

    const next = relay(createMetrics({ service: 'next' }));
    await next.start();
    await waitFor(
      'row marked sent',
      async () => (await db.knex('outbox').where({ event_id: eventId }).whereNotNull('sent_at')).length === 1,
    );
    await next.stop();
    const onTopic = await decodeAll(topic.codec);
    expect(onTopic.map((m) => m.event.envelope.eventId)).to.deep.equal([eventId, eventId]);

    const metrics = createMetrics({ service: 'consumer' });
    const consumer = new IdempotentConsumer({
      kafka,
      knex: db.knex,
      codec: topic.codec,
      logger: testLogger(),
      metrics,
      groupId: `effects-${suffix()}`,
      consumerConfig: FAST_CONSUMER_CONFIG,
      handlers: {
        [topic.topic]: async (trx, event: EventMessage<TestPayload>) => {
          await trx('effects').insert({ event_id: event.envelope.eventId, n: event.payload.n });
        },
      },
    });
    await consumer.start();
    try {
      await waitFor(
        'both copies handled',
        async () =>
          (await total(metrics.consumerProcessed)) + (await total(metrics.consumerDuplicates)) === 2,
      );
    } finally {
      await consumer.stop();
    }
    expect(await effectsOf(db.knex)).to.deep.equal([{ event_id: eventId, n: 'survives a kill' }]);
  });

  for (const ordered of [false, true]) {
    it(`publishes every row exactly once with two relays running at once (ordered: ${ordered})`, async () => {
      const ROWS = 200;
      const KEYS = 5;
      await db.knex.transaction(async (trx) => {
        for (let i = 0; i < ROWS; i++) {
          await enqueueEvent(trx, {
            topic: topic.topic,
            key: `key-${i % KEYS}`,
            payload: { n: String(i) },
            correlationId: 'bulk',
          });
        }
      });
      const metricsA = createMetrics({ service: 'a' });
      const metricsB = createMetrics({ service: 'b' });
      const relays = [
        relay(metricsA, { batchSize: 10, ordered }),
        relay(metricsB, { batchSize: 10, ordered }),
      ];
      await Promise.all(relays.map((r) => r.start()));
      await waitFor(
        'every row sent',
        async () => (await db.knex('outbox').whereNull('sent_at')).length === 0,
      );
      await Promise.all(relays.map((r) => r.stop()));

      const published = [await total(metricsA.outboxPublished), await total(metricsB.outboxPublished)];
      expect(published[0]! + published[1]!).to.equal(ROWS);
      if (!ordered) expect(Math.min(...published), 'both relays took part').to.be.greaterThan(0);

      const onTopic = await decodeAll(topic.codec);
      expect(onTopic).to.have.length(ROWS);
      expect(new Set(onTopic.map((m) => m.event.envelope.eventId)).size).to.equal(ROWS);
      if (ordered) {
        // Within a partition, each key's events appear in the order they were enqueued.
        for (let k = 0; k < KEYS; k++) {
          const sequence = onTopic
            .filter((m) => m.key?.toString() === `key-${k}`)
            .map((m) => Number(m.event.payload.n));
          expect(sequence).to.deep.equal([...sequence].sort((a, b) => a - b));
        }
      }
    });
  }
});
