// Proves that the ACLs scripts/provision.ts applies follow from the topic declarations and from nothing
// else: a producer writes its topics, a consumer reads its topics, writes their dead-letter topics and uses
// its own groups, and no principal may write a topic it does not produce (the stack e2e proves the broker
// enforces exactly this set).
import { expect } from 'chai';
import { SERVICE_NAMES } from '@dbay/testing';
import { readDeclarations, type DeclaredTopic } from '../../../scripts/contracts/declarations.js';
import { aclKey, aclsOf, principalsOf } from '../../../scripts/contracts/kafka-acls.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;

const topic = (name: string, producers: string[], consumers: string[]): DeclaredTopic =>
  ({
    topic: name,
    schemaFile: `schemas/${name}.avsc`,
    declaration: {
      partitions: 1,
      replicationFactor: 1,
      key: 'id',
      config: {},
      producers,
      consumers,
      doc: '',
    },
  }) as unknown as DeclaredTopic;

describe('Kafka ACLs from the topic declarations', () => {
  it('grants the producer WRITE, and each consumer READ, its dead-letter topic and its groups', () => {
    expect(aclsOf([topic('thing.done', ['maker'], ['reader'])]).map(aclKey)).to.deep.equal([
      'User:maker TOPIC LITERAL thing.done WRITE',
      'User:reader GROUP LITERAL reader READ',
      'User:reader GROUP PREFIXED reader- READ',
      'User:reader TOPIC LITERAL thing.done READ',
      'User:reader TOPIC LITERAL thing.done.dlq WRITE',
    ]);
  });

  it('grants a group once however many topics its service reads, and nothing for a topic nobody reads', () => {
    const acls = aclsOf([
      topic('a.one', ['maker'], ['reader']),
      topic('a.two', ['maker'], ['reader']),
      topic('a.unread', ['maker'], []),
    ]).map(aclKey);
    expect(acls.filter((acl) => acl.includes(' GROUP '))).to.have.length(2);
    expect(acls.filter((acl) => acl.includes('a.unread'))).to.deep.equal([
      'User:maker TOPIC LITERAL a.unread WRITE',
    ]);
  });

  describe('the declarations of schemas/', () => {
    let declared: DeclaredTopic[];
    before(async () => {
      declared = await readDeclarations(repoRoot);
    });

    it('name a principal for every service of the platform', () => {
      const principals = principalsOf(declared);
      for (const service of SERVICE_NAMES) expect(principals.has(`User:${service}`), service).to.equal(true);
    });

    it('let only a declared producer write a topic, and only its consumers write its dead-letter topic', () => {
      const byName = new Map(declared.map((d) => [d.topic, d.declaration]));
      for (const acl of aclsOf(declared).filter((a) => a.operation === 'WRITE')) {
        const service = acl.principal.replace(/^User:/, '');
        if (acl.name.endsWith('.dlq')) {
          expect(byName.get(acl.name.slice(0, -'.dlq'.length))!.consumers, acl.name).to.include(service);
        } else {
          expect(byName.get(acl.name)!.producers, acl.name).to.include(service);
        }
      }
    });

    it('let the deposit watcher alone write deposit.confirmed, the event the wallet credits money on', () => {
      const writers = aclsOf(declared)
        .filter((acl) => acl.name === 'deposit.confirmed' && acl.operation === 'WRITE')
        .map((acl) => acl.principal);
      expect(writers).to.deep.equal(['User:deposit-watcher']);
    });
  });
});
