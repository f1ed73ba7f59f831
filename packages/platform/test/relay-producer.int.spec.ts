// Proves that the producer the outbox relay and the DLQ send with starts and sends without a warning
// (kafkajs' idempotent producer with bounded retries warned "Limiting retries for the idempotent producer
// may invalidate EoS guarantees" at every start of every service), and keeps one key's events in order.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { stackKafkaSaslFor } from '@dbay/testing';
import { ACKS_ALL, createKafka, createRelayProducer, RELAY_PRODUCER_CONFIG } from '../src/index.js';
import { createTestTopic, endpoints, readTopic, testKafka } from './support/harness.js';

describe('the relay producer (integration)', function () {
  this.timeout(60_000);

  it('connects and sends as the stack service would, without one kafkajs warning, in key order', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    const kafka = createKafka({
      clientId: 'relay-producer-test',
      brokers: endpoints.brokers,
      logger: pino({ level: 'info' }, sink),
      security: stackKafkaSaslFor(endpoints.brokers),
    });
    const topic = await createTestTopic(testKafka());
    const producer = createRelayProducer(kafka);
    try {
      await producer.connect();
      for (let n = 0; n < 5; n += 1) {
        await producer.send({
          topic: topic.topic,
          acks: ACKS_ALL,
          messages: [{ key: 'k', value: String(n) }],
        });
      }
      const read = await readTopic(testKafka(), topic.topic);
      expect(read.map((message) => message.value?.toString())).to.deep.equal(['0', '1', '2', '3', '4']);
    } finally {
      await producer.disconnect();
      await topic.remove();
    }
    const warnings = () => lines.filter((line) => line.level >= 40).map((line) => line.msg);
    expect(warnings()).to.deep.equal([]);

    // The same logger does catch the warning of the configuration this replaced.
    const idempotent = kafka.producer({ ...RELAY_PRODUCER_CONFIG, idempotent: true });
    await idempotent.connect();
    await idempotent.disconnect();
    expect(warnings()).to.include(
      'Limiting retries for the idempotent producer may invalidate EoS guarantees',
    );
  });
});
