// Proves the event contract's shared part holds: every topic schema in schemas/ carries a copy of
// schemas/envelope.avsc that is identical to it, next to its payload and nothing else, and envelopes
// built by the platform are the ones consumers accept.
import { readdir } from 'node:fs/promises';
import { expect } from 'chai';
import { buildEnvelope, causedBy, checkEventMessage, readTopicSchema, SCHEMAS_DIR } from '../src/index.js';

describe('event envelope', () => {
  it('is copied verbatim into every topic schema, beside a payload record', async () => {
    const envelope = await readTopicSchema('envelope');
    const topics = (await readdir(SCHEMAS_DIR))
      .filter((file) => file.endsWith('.avsc') && file !== 'envelope.avsc')
      .map((file) => file.slice(0, -'.avsc'.length));
    for (const topic of topics) {
      const schema = await readTopicSchema(topic);
      expect(schema.type, topic).to.equal('record');
      expect(
        schema.fields.map((field) => field.name),
        `${topic}: fields`,
      ).to.deep.equal(['envelope', 'payload']);
      expect(schema.fields[0]?.type, `${topic}: envelope copy`).to.deep.equal(envelope);
      expect((schema.fields[1]?.type as { type?: unknown } | undefined)?.type, `${topic}: payload`).to.equal(
        'record',
      );
    }
  });

  it('builds envelopes that consumers accept, with causation carried from the causing event', () => {
    const cause = {
      envelope: buildEnvelope({ eventType: 't', correlationId: 'flow-1', producer: 'wallet' }),
      payload: {},
    };
    const effect = buildEnvelope({ eventType: 'u', producer: 'order', ...causedBy(cause) });
    expect(effect.correlationId).to.equal('flow-1');
    expect(effect.causationId).to.equal(cause.envelope.eventId);
    expect(effect.occurredAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(checkEventMessage({ envelope: effect, payload: { a: 1 } }).ok).to.equal(true);
  });

  it('refuses a value whose envelope cannot key the inbox', () => {
    const envelope = buildEnvelope({ eventType: 't', correlationId: 'c', producer: 'p' });
    const notUuid = checkEventMessage({ envelope: { ...envelope, eventId: 'not-a-uuid' }, payload: {} });
    expect(notUuid.ok).to.equal(false);
    expect(checkEventMessage({ payload: {} }).ok).to.equal(false);
  });
});
