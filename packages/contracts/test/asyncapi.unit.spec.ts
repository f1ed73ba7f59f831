// Proves that docs/asyncapi.yaml is a valid AsyncAPI 3.0 document for a maintained parser, that every
// message's payload is its topic's Avro schema and valid Avro, and that the document describes exactly
// the topics of schemas/: one channel per topic.json, with its partitions, key, producers and consumers.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { readDeclarations, readJson, type DeclaredTopic } from '../../../scripts/contracts/declarations.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const AVRO = 'application/vnd.apache.avro;version=1.9.0';

describe('docs/asyncapi.yaml', () => {
  let text: string;
  let document: AsyncAPIDocumentInterface;
  let declared: DeclaredTopic[];

  before(async () => {
    text = await readFile(`${repoRoot}docs/asyncapi.yaml`, 'utf8');
    declared = await readDeclarations(repoRoot);
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document: parsed, diagnostics } = await parser.parse(text);
    // The diagnostics' severity is typed by another copy of @stoplight/types: compare the numbers.
    const errors = diagnostics.filter((d) => Number(d.severity) === Number(DiagnosticSeverity.Error));
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).to.deep.equal([]);
    expect(parsed, 'a parsed document').to.not.equal(undefined);
    document = parsed!;
  });

  it('is an AsyncAPI 3.0 document the parser accepts without errors', () => {
    expect(document.version()).to.equal('3.0.0');
  });

  it("carries each topic's .avsc unchanged as its message payload, and each is valid Avro", async () => {
    // The parser does not run schema parsers' validation on 3.0 documents, so the Avro parser is asked here.
    const avro = AvroSchemaParser();
    const raw = parseYaml(text) as {
      components: {
        messages: Record<string, { name: string; payload: { schemaFormat: string; schema: unknown } }>;
      };
    };
    const messages = Object.values(raw.components.messages);
    expect(messages.map((m) => m.name).sort()).to.deep.equal(declared.map((d) => d.topic));
    for (const { topic, schemaFile } of declared) {
      const { payload } = messages.find((m) => m.name === topic)!;
      expect(payload.schemaFormat, topic).to.equal(AVRO);
      expect(payload.schema, topic).to.deep.equal(await readJson(repoRoot, schemaFile));
      const problems = await avro.validate({
        data: payload.schema,
        path: [topic],
        schemaFormat: AVRO,
      } as unknown as Parameters<typeof avro.validate>[0]);
      expect(problems ?? [], topic).to.deep.equal([]);
    }
  });

  it('has one channel per declared topic, with its doc, partitions, key, producers and consumers', () => {
    const channels = new Map(
      document
        .channels()
        .all()
        .map((channel) => [channel.address(), channel]),
    );
    expect([...channels.keys()].sort()).to.deep.equal(declared.map(({ topic }) => topic));
    for (const { topic, declaration } of declared) {
      const channel = channels.get(topic)!;
      expect(channel.description(), topic).to.equal(declaration.doc);
      const kafka = channel.bindings().get('kafka')?.value<{ partitions: number; replicas: number }>();
      expect(kafka?.partitions, `${topic} partitions`).to.equal(declaration.partitions);
      expect(kafka?.replicas, `${topic} replicas`).to.equal(declaration.replicationFactor);
      const [message, ...more] = channel.messages().all();
      expect(more, `${topic} has one message`).to.deep.equal([]);
      const key = message!.bindings().get('kafka')?.value<{ key: { description: string } }>().key;
      expect(key?.description, `${topic} key`).to.contain(`\`${declaration.key}\``);

      const servicesThat = (action: 'send' | 'receive') =>
        channel
          .operations()
          .all()
          .filter((operation) => operation.action() === action)
          .map((operation) => operation.tags().all()[0]!.name())
          .sort();
      expect(servicesThat('send'), `${topic} producers`).to.deep.equal([...declaration.producers].sort());
      expect(servicesThat('receive'), `${topic} consumers`).to.deep.equal([...declaration.consumers].sort());
    }
  });
});
