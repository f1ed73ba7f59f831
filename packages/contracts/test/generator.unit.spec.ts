// Proves that the contracts generator maps every Avro type it accepts to the zod schema of exactly what
// avsc decodes (including types no schema uses yet: enums, maps, nested records, floats), fills a
// field's default for data written before the field existed, and refuses, naming file and field,
// what it cannot map exactly or a topic whose key is not a string field of its payload.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import avro from 'avsc';
import fc from 'fast-check';
import { z } from 'zod';
import { payloadRecordOf, UnsupportedSchemaError } from '../../../scripts/contracts/avro-model.js';
import { readContracts } from '../../../scripts/contracts/render.js';
import { zodExpressionOf } from '../../../scripts/contracts/typescript.js';
import { arbitraryOf, throughAvro } from './avro-arbitrary.js';

const ENVELOPE_SCHEMA = {
  type: 'record',
  name: 'Envelope',
  namespace: 'dbay',
  fields: [{ name: 'eventId', type: 'string' }],
};

/** A topic value schema `{ envelope, payload }` around the given payload fields. */
function topicSchema(fields: unknown[]) {
  return {
    type: 'record',
    name: 'Probe',
    namespace: 'dbay.test',
    fields: [
      { name: 'envelope', type: ENVELOPE_SCHEMA },
      { name: 'payload', type: { type: 'record', name: 'ProbePayload', fields } },
    ],
  };
}

/** The generated zod schema of the payload, evaluated. */
function payloadSchemaOf(schema: unknown): z.ZodType {
  const expression = zodExpressionOf(payloadRecordOf(schema, 'probe.avsc'));
  // The generator's own output for a schema of the test's, evaluated to see what it accepts.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return (new Function('z', `return ${expression};`) as (zod: typeof z) => z.ZodType)(z);
}

const EVERY_KIND = [
  { name: 'flag', type: 'boolean' },
  { name: 'count', type: 'int' },
  { name: 'height', type: 'long' },
  { name: 'ratio', type: 'float' },
  { name: 'share', type: 'double' },
  { name: 'text', type: 'string' },
  { name: 'tag', type: { type: 'string', logicalType: 'uuid' } },
  { name: 'state', type: { type: 'enum', name: 'State', symbols: ['OPEN', 'CLOSED'] } },
  { name: 'states', type: { type: 'array', items: 'State' } },
  { name: 'totals', type: { type: 'map', values: 'long' } },
  {
    name: 'parts',
    type: {
      type: 'array',
      items: { type: 'record', name: 'Part', fields: [{ name: 'id', type: ['null', 'string'] }] },
    },
  },
  { name: 'first', type: ['null', 'Part'] },
  { name: 'note', type: ['null', 'string'], default: null },
];

describe('contracts generator: Avro to zod', () => {
  it('decodes every supported kind exactly as avsc does', () => {
    const schema = topicSchema(EVERY_KIND);
    const type = avro.Type.forSchema(schema as avro.Schema);
    const decode = payloadSchemaOf(schema);
    fc.assert(
      fc.property(arbitraryOf(payloadRecordOf(schema, 'probe.avsc')), (payload) => {
        const decoded = throughAvro(type, { envelope: { eventId: 'e' }, payload }) as { payload: unknown };
        expect(decode.parse(decoded.payload)).to.deep.equal(decoded.payload);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an enum symbol the schema does not list and a map of the wrong values', () => {
    const decode = payloadSchemaOf(topicSchema(EVERY_KIND.slice(7, 10)));
    expect(decode.safeParse({ state: 'OPEN', states: [], totals: { a: 1 } }).success).to.equal(true);
    expect(decode.safeParse({ state: 'GONE', states: [], totals: {} }).success).to.equal(false);
    expect(decode.safeParse({ state: 'OPEN', states: [], totals: { a: '1' } }).success).to.equal(false);
  });

  it("fills a field's default for a message written before the field was added", () => {
    const before = topicSchema([{ name: 'text', type: 'string' }]);
    const after = topicSchema([
      { name: 'text', type: 'string' },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'tries', type: 'int', default: 3 },
      { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    ]);
    // The codec decodes with the writer's schema, so the old message simply lacks the new fields.
    const written = throughAvro(avro.Type.forSchema(before as avro.Schema), {
      envelope: { eventId: 'e' },
      payload: { text: 'x' },
    }) as { payload: unknown };
    const decode = payloadSchemaOf(after);
    expect(decode.parse(written.payload)).to.deep.equal({ text: 'x', note: null, tries: 3, tags: [] });
    // Each decode gets its own default array, so one consumer's push cannot leak into the next event.
    const [first, second] = [decode.parse({ text: 'a' }), decode.parse({ text: 'b' })] as {
      tags: string[];
    }[];
    expect(first!.tags).to.not.equal(second!.tags);
  });

  const refusals: [string, unknown[], RegExp][] = [
    [
      'bytes',
      [{ name: 'raw', type: 'bytes' }],
      /probe\.avsc: payload\.raw: bytes and fixed cannot travel through the JSON outbox/,
    ],
    [
      'fixed',
      [{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 32 } }],
      /probe\.avsc: payload\.hash: bytes and fixed cannot travel/,
    ],
    [
      'a union of two non-null types',
      [{ name: 'either', type: ['string', 'long'] }],
      /probe\.avsc: payload\.either: only a union of null and one other type/,
    ],
    [
      'an unknown named type',
      [{ name: 'thing', type: 'Thing' }],
      /probe\.avsc: payload\.thing: type "Thing"/,
    ],
  ];
  for (const [what, fields, message] of refusals) {
    it(`refuses ${what}, naming the file and the field`, () => {
      expect(() => payloadRecordOf(topicSchema(fields), 'probe.avsc')).to.throw(
        UnsupportedSchemaError,
        message,
      );
    });
  }

  it('refuses a value schema that is not { envelope, payload }', () => {
    const schema = { type: 'record', name: 'Flat', fields: [{ name: 'userId', type: 'string' }] };
    expect(() => payloadRecordOf(schema, 'flat.avsc')).to.throw(
      UnsupportedSchemaError,
      /envelope and payload/,
    );
  });
});

describe('contracts generator: topic declarations', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'dbay-contracts-test-'));
    await mkdir(path.join(root, 'schemas'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function declare(key: string): Promise<void> {
    const declaration = {
      partitions: 1,
      replicationFactor: 1,
      key,
      producers: ['a'],
      consumers: [],
      doc: 'd',
    };
    await writeFile(path.join(root, 'schemas', 'probe.made.topic.json'), JSON.stringify(declaration));
    const schema = topicSchema([
      { name: 'probeId', type: 'string' },
      { name: 'count', type: 'int' },
    ]);
    await writeFile(path.join(root, 'schemas', 'probe.made.avsc'), JSON.stringify(schema));
  }

  it('reads a topic whose key is a string field of its payload', async () => {
    await declare('probeId');
    const [contract, ...more] = await readContracts(root);
    expect(more).to.deep.equal([]);
    expect(contract!.topic).to.equal('probe.made');
    expect(contract!.payload.fields.map((field) => field.name)).to.deep.equal(['probeId', 'count']);
  });

  for (const key of ['count', 'missingId']) {
    it(`refuses a key that is not a string field of the payload (${key})`, async () => {
      await declare(key);
      let failure: unknown;
      await readContracts(root).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(UnsupportedSchemaError);
      expect((failure as Error).message).to.equal(
        `schemas/probe.made.avsc: the topic's key "${key}" is not a string field of the payload`,
      );
    });
  }
});
