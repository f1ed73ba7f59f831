/**
 * Proves that the local stack `npm run stack:up` started is the real thing the other tiers rely on: Kafka
 * carries registry-encoded Avro and kcat replays it byte for byte; every client must authenticate, and each
 * service as its own principal may produce and read only what schemas/*.topic.json says it does; the registry refuses a schema that
 * breaks BACKWARD_TRANSITIVE compatibility; every service process answers /healthz and /readyz on its API
 * port and /metrics on its metrics port only (404 on the API port), and exits with 0 on SIGTERM, then comes back; and each database role is confined to its own schema,
 * with the reconciler reading the others and writing none.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { expect } from 'chai';
import kafkajs, { Kafka, logLevel, Partitioners } from 'kafkajs';
import { aclKey, aclsOf, kafkaTypeName } from '../scripts/contracts/kafka-acls.js';
import { readDeclarations, type DeclaredTopic } from '../scripts/contracts/declarations.js';
import pg from 'pg';
import {
  createThrowawayTopic,
  kcatDump,
  kcatProduce,
  killService,
  parseKcatDump,
  SERVICE_NAMES,
  servicePid,
  stackEndpoints,
  startService,
  waitFor,
  type ThrowawayTopic,
  stackKafkaSasl,
  REPO_ROOT,
} from '@dbay/testing';

const stack = stackEndpoints();
// Node's named-export detection stops before these in kafkajs' CommonJS index; the default export has them.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
const compatibility = COMPATIBILITY.BACKWARD_TRANSITIVE;

const record = (fields: object[]) =>
  JSON.stringify({ type: 'record', name: 'Probe', namespace: 'dbay.e2e', fields });
const register = (subject: string, schema: string) =>
  registry.register({ type: SchemaType.AVRO, schema }, { subject, compatibility });

async function deleteSubject(subject: string): Promise<void> {
  const url = `${stack.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`;
  await fetch(url, { method: 'DELETE' });
  await fetch(`${url}?permanent=true`, { method: 'DELETE' });
}

describe('the local stack', function () {
  this.timeout(240_000);

  describe('Kafka and the schema registry', () => {
    const subject = `e2e.stack-${randomUUID().slice(0, 8)}-value`;
    const topics: ThrowawayTopic[] = [];
    let workDir: string;

    before(async () => {
      workDir = await mkdtemp(path.join(tmpdir(), 'dbay-stack-e2e-'));
    });
    after(async () => {
      await Promise.all(topics.map((topic) => topic.remove()));
      await deleteSubject(subject);
      await rm(workDir, { recursive: true, force: true });
    });

    it('carries registry-encoded Avro through a topic, and kcat replays the exact bytes and keys', async () => {
      const source = await createThrowawayTopic({ prefix: 'stack-roundtrip', partitions: 2 });
      const replay = await createThrowawayTopic({ prefix: 'stack-replay', partitions: 2 });
      topics.push(source, replay);
      const { id } = await register(
        subject,
        record([
          { name: 'n', type: 'long' },
          { name: 'text', type: 'string' },
        ]),
      );
      const sent = [
        { key: 'user-1', value: { n: 1, text: 'line one\nwith a newline' } },
        { key: 'user-2', value: { n: 2, text: 'two' } },
        { key: 'user-1', value: { n: 3, text: 'three' } },
      ];

      const producer = new Kafka({
        clientId: 'e2e-stack',
        brokers: stack.kafkaBrokers,
        ...stackKafkaSasl(),
        logLevel: logLevel.WARN,
      }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({
          topic: source.topic,
          acks: -1,
          messages: await Promise.all(
            sent.map(async ({ key, value }) => ({
              key,
              value: await registry.encode(id, value),
              partition: 0,
            })),
          ),
        });
      } finally {
        await producer.disconnect();
      }

      const dumpFile = path.join(workDir, 'source.dump');
      await kcatDump({ topic: source.topic, partition: 0, fromOffset: 0, count: sent.length }, dumpFile);
      const dumped = parseKcatDump(await readFile(dumpFile));
      expect(dumped.map(({ key }) => key?.toString())).to.deep.equal(sent.map(({ key }) => key));
      for (const [index, message] of dumped.entries()) {
        expect(message.value.readUInt8(0), 'Confluent magic byte').to.equal(0);
        expect(message.value.readUInt32BE(1), 'schema id in the header').to.equal(id);
        // avsc decodes into an instance of the record's class; its fields are what the consumer relies on.
        const decoded = (await registry.decode(message.value)) as object;
        expect({ ...decoded }).to.deep.equal(sent[index]!.value);
      }

      await kcatProduce(replay.topic, dumpFile, 0);
      const replayFile = path.join(workDir, 'replay.dump');
      await kcatDump({ topic: replay.topic, partition: 0, fromOffset: 0, count: sent.length }, replayFile);
      expect(Buffer.compare(await readFile(replayFile), await readFile(dumpFile))).to.equal(0);
    });

    it('refuses a schema version that breaks BACKWARD_TRANSITIVE compatibility, and accepts one that keeps it', async () => {
      const throwaway = `e2e.compat-${randomUUID().slice(0, 8)}-value`;
      try {
        await register(throwaway, record([{ name: 'a', type: 'string' }]));
        // A new required field: v2 could not read v1's data.
        const incompatible = record([
          { name: 'a', type: 'string' },
          { name: 'b', type: 'int' },
        ]);
        const refusal = await register(throwaway, incompatible).then(
          () => undefined,
          (error: Error) => error,
        );
        expect(refusal, 'an incompatible v2 must be refused').to.be.instanceOf(Error);
        expect(refusal!.message).to.match(/incompatib/i);

        await register(
          throwaway,
          record([
            { name: 'a', type: 'string' },
            { name: 'b', type: 'int', default: 0 },
          ]),
        );
        // Transitive: dropping b's default is fine next to v2 (which always wrote b) but not next to v1.
        const refusedAgainstV1 = await register(throwaway, incompatible).then(
          () => undefined,
          (error: Error) => error,
        );
        expect(
          refusedAgainstV1,
          'compatibility must be checked against every earlier version',
        ).to.be.instanceOf(Error);

        const config = (await (await fetch(`${stack.schemaRegistryUrl}/config/${throwaway}`)).json()) as {
          compatibilityLevel: string;
        };
        expect(config.compatibilityLevel).to.equal('BACKWARD_TRANSITIVE');
      } finally {
        await deleteSubject(throwaway);
      }
    });
  });

  describe('Kafka principals and ACLs', () => {
    const client = (sasl: ReturnType<typeof stackKafkaSasl>) =>
      new Kafka({
        clientId: `e2e-acl-${randomUUID().slice(0, 8)}`,
        brokers: stack.kafkaBrokers,
        ...sasl,
        connectionTimeout: 3_000,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
      });
    /** Resolves with the error the broker answered, or null when it allowed the call. */
    const refusal = async (call: () => Promise<unknown>): Promise<Error | null> =>
      call().then(
        () => null,
        (error: Error) => error,
      );
    const errorType = (error: Error | null) =>
      (error as { type?: string } | null)?.type ?? (error?.cause as { type?: string } | undefined)?.type;
    let declared: DeclaredTopic[];

    before(async () => {
      declared = await readDeclarations(REPO_ROOT);
    });

    it('refuses a client that does not authenticate, and one with a wrong password', async () => {
      const anonymous = client({}).admin();
      expect(await refusal(() => anonymous.connect().then(() => anonymous.listTopics()))).to.be.instanceOf(
        Error,
      );
      await anonymous.disconnect();

      const { sasl } = stackKafkaSasl('order');
      const impostor = client({
        sasl: { ...sasl!, password: `${(sasl as { password: string }).password}x` } as never,
      }).admin();
      const wrongPassword = await refusal(() => impostor.connect());
      await impostor.disconnect();
      expect(wrongPassword?.name).to.equal('KafkaJSSASLAuthenticationError');
    });

    it("holds exactly the ACLs the topic declarations imply, each service's own", async () => {
      const admin = client(stackKafkaSasl()).admin();
      await admin.connect();
      try {
        const { resources } = await admin.describeAcls({
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        });
        const held = resources.flatMap((resource) =>
          resource.acls.map((acl) =>
            [
              acl.principal,
              kafkaTypeName(AclResourceTypes, resource.resourceType),
              kafkaTypeName(ResourcePatternTypes, resource.resourcePatternType),
              resource.resourceName,
              kafkaTypeName(AclOperationTypes, acl.operation),
              kafkaTypeName(AclPermissionTypes, acl.permissionType),
              acl.host,
            ].join(' '),
          ),
        );
        const wanted = aclsOf(declared).map((acl) => `${aclKey(acl)} ALLOW *`);
        expect(held.sort()).to.deep.equal(wanted.sort());
      } finally {
        await admin.disconnect();
      }
    });

    for (const service of SERVICE_NAMES) {
      it(`${service}: may not produce another service's events, nor see a topic it neither writes nor reads`, async () => {
        const foreign = declared.find(
          ({ declaration }) => !declaration.producers.includes(service) && declaration.producers.length > 0,
        )!;
        const unrelated = declared.find(
          ({ declaration }) =>
            !declaration.producers.includes(service) && !declaration.consumers.includes(service),
        );
        const kafka = client(stackKafkaSasl(service));
        const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
        await producer.connect();
        try {
          const produced = await refusal(() =>
            producer.send({ topic: foreign.topic, messages: [{ key: 'acl-probe', value: 'not an event' }] }),
          );
          expect(errorType(produced), `${service} producing ${foreign.topic}`).to.equal(
            'TOPIC_AUTHORIZATION_FAILED',
          );
        } finally {
          await producer.disconnect();
        }
        if (unrelated) {
          const admin = kafka.admin();
          await admin.connect();
          try {
            const described = await refusal(() => admin.fetchTopicMetadata({ topics: [unrelated.topic] }));
            expect(errorType(described), `${service} describing ${unrelated.topic}`).to.equal(
              'TOPIC_AUTHORIZATION_FAILED',
            );
          } finally {
            await admin.disconnect();
          }
        }
      });
    }

    it('lets the deposit watcher alone produce deposit.confirmed: the wallet and the order service are refused', async () => {
      for (const service of ['wallet', 'order', 'withdrawal-saga'] as const) {
        const producer = client(stackKafkaSasl(service)).producer({ retry: { retries: 0 } });
        await producer.connect();
        try {
          const produced = await refusal(() =>
            producer.send({ topic: 'deposit.confirmed', messages: [{ key: 'acl-probe', value: 'forged' }] }),
          );
          expect(errorType(produced), service).to.equal('TOPIC_AUTHORIZATION_FAILED');
        } finally {
          await producer.disconnect();
        }
      }
      const watcher = client(stackKafkaSasl('deposit-watcher')).admin();
      await watcher.connect();
      try {
        const metadata = await watcher.fetchTopicMetadata({ topics: ['deposit.confirmed'] });
        expect(metadata.topics[0]!.name).to.equal('deposit.confirmed');
      } finally {
        await watcher.disconnect();
      }
    });
  });

  describe('service processes', () => {
    it('runs every service', () => {
      for (const name of SERVICE_NAMES)
        expect(servicePid(name), `${name} has a live process`).to.be.a('number');
    });

    for (const name of SERVICE_NAMES) {
      it(`${name}: answers /healthz, /readyz, /metrics on its metrics port only, exits with 0 on SIGTERM and comes back`, async () => {
        const { url, metricsUrl } = stack.services[name];
        expect((await fetch(`${url}/healthz`)).status).to.equal(200);
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
          timeoutMs: 30_000,
          description: `${name} /readyz`,
        });
        const metrics = await fetch(metricsUrl);
        expect(metrics.status).to.equal(200);
        expect(await metrics.text()).to.match(/^# (HELP|TYPE) /m);
        const onApiPort = await fetch(`${url}/metrics`);
        expect(onApiPort.status, `${name} must not serve /metrics on its API port`).to.equal(404);

        const pidBefore = servicePid(name);
        try {
          expect(await killService(name, 'SIGTERM'), `${name}'s exit code on SIGTERM`).to.equal(0);
        } finally {
          await startService(name);
        }
        expect(servicePid(name)).to.be.a('number').and.not.equal(pidBefore);
        expect((await fetch(`${url}/healthz`)).status).to.equal(200);
      });
    }
  });

  describe('after kill -9', () => {
    // A killed member holds its partitions until its Kafka session runs out (kafkajs has no static
    // membership), and /readyz waits for the restarted consumer to be in its group. With the old 30 s
    // session the wallet was not ready again for ~30 s, and deposits and withdrawals waited that long.
    it('the wallet consumes again (ready: in its group) within its 10 s session, not 30 s', async () => {
      const { url } = stack.services.wallet;
      await killService('wallet', 'SIGKILL');
      const killedAt = Date.now();
      await startService('wallet');
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
        timeoutMs: 60_000,
        description: 'the restarted wallet /readyz',
      });
      const seconds = (Date.now() - killedAt) / 1000;
      expect(seconds, 'seconds from kill -9 to ready again').to.be.below(20);
    });
  });

  describe('database roles', () => {
    const probeTable = `stack_e2e_probe_${randomUUID().slice(0, 8)}`;
    const connect = async (role: 'order' | 'wallet' | 'reconciler', { asOwner = false } = {}) => {
      const url = new URL(stack.services[role].databaseUrl);
      // The schema's owner (dbay_<schema>_owner) runs the migrations; the service logs in as its own role.
      if (asOwner) url.username = `${decodeURIComponent(url.username)}_owner`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    };
    const sqlState = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );

    before(async () => {
      // Created by the schema's owner after the grants were made: the default privileges apply.
      const order = await connect('order', { asOwner: true });
      try {
        await order.query(`CREATE TABLE "order".${probeTable} (id int PRIMARY KEY)`);
        await order.query(`INSERT INTO "order".${probeTable} VALUES (1)`);
      } finally {
        await order.end();
      }
    });
    after(async () => {
      const order = await connect('order', { asOwner: true });
      try {
        await order.query(`DROP TABLE IF EXISTS "order".${probeTable}`);
      } finally {
        await order.end();
      }
    });

    it('keeps dbay_wallet out of the order schema and out of the public schema', async () => {
      const wallet = await connect('wallet');
      try {
        expect(await sqlState(wallet.query(`SELECT * FROM "order".${probeTable}`))).to.equal('42501');
        expect(await sqlState(wallet.query('CREATE TABLE public.stack_e2e_intruder (id int)'))).to.equal(
          '42501',
        );
        expect(await sqlState(wallet.query('SELECT 1 AS own_schema_is_usable'))).to.equal('ok');
        const { rows } = await wallet.query<{ schema: string }>('SELECT current_schema() AS schema');
        expect(rows[0]!.schema).to.equal('wallet');
      } finally {
        await wallet.end();
      }
    });

    it('gives dbay_order rows in a table its migrations made, not the table: no DDL, no grants', async () => {
      const order = await connect('order');
      try {
        await order.query(`INSERT INTO "order".${probeTable} VALUES (3)`);
        await order.query(`DELETE FROM "order".${probeTable} WHERE id = 3`);
        expect(await sqlState(order.query(`DROP TABLE "order".${probeTable}`))).to.equal('42501');
        expect(await sqlState(order.query(`ALTER TABLE "order".${probeTable} ADD COLUMN x int`))).to.equal(
          '42501',
        );
        expect(await sqlState(order.query(`CREATE TABLE "order".stack_e2e_own (id int)`))).to.equal('42501');
        expect(await sqlState(order.query(`TRUNCATE "order".${probeTable}`))).to.equal('42501');
        // knex's own tables are the migrations' alone: a service cannot lock out the next migration.
        expect(await sqlState(order.query(`UPDATE "order".knex_migrations_lock SET is_locked = 1`))).to.equal(
          '42501',
        );
        expect(await sqlState(order.query(`DELETE FROM "order".knex_migrations`))).to.equal('42501');
        expect(await sqlState(order.query(`SELECT COUNT(*) FROM "order".knex_migrations`))).to.equal('ok');
      } finally {
        await order.end();
      }
    });

    it('keeps the ledger append-only against dbay_wallet: it cannot drop the trigger or grant itself UPDATE', async () => {
      const wallet = await connect('wallet');
      try {
        const canUpdate = async () =>
          (
            await wallet.query<{ can: boolean }>(
              `SELECT has_table_privilege('wallet.ledger_entries', 'UPDATE, DELETE, TRUNCATE') AS can`,
            )
          ).rows[0]!.can;
        expect(await canUpdate()).to.equal(false);
        expect(
          await sqlState(
            wallet.query('DROP TRIGGER ledger_entries_no_update_delete ON wallet.ledger_entries'),
          ),
        ).to.equal('42501');
        expect(
          await sqlState(
            wallet.query('ALTER TABLE wallet.ledger_entries DISABLE TRIGGER ledger_entries_no_update_delete'),
          ),
        ).to.equal('42501');
        expect(
          await sqlState(wallet.query('DROP FUNCTION wallet.ledger_entries_append_only() CASCADE')),
        ).to.equal('42501');
        // A GRANT by a role that holds no grant option grants nothing (Postgres warns, it does not fail).
        await wallet
          .query('GRANT UPDATE, DELETE ON wallet.ledger_entries TO dbay_wallet')
          .catch(() => undefined);
        expect(await canUpdate()).to.equal(false);
        const triggers = await wallet.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM pg_trigger WHERE tgrelid = 'wallet.ledger_entries'::regclass AND NOT tgisinternal AND tgenabled <> 'D'`,
        );
        expect(Number(triggers.rows[0]!.n)).to.equal(2);
      } finally {
        await wallet.end();
      }
    });

    it('lets dbay_reconciler read another schema (new tables too) but never write to it', async () => {
      const reconciler = await connect('reconciler');
      try {
        const { rows } = await reconciler.query<{ id: number }>(`SELECT id FROM "order".${probeTable}`);
        expect(rows).to.deep.equal([{ id: 1 }]);
        expect(await sqlState(reconciler.query(`INSERT INTO "order".${probeTable} VALUES (2)`))).to.equal(
          '42501',
        );
        expect(await sqlState(reconciler.query(`DELETE FROM "order".${probeTable}`))).to.equal('42501');
        expect(await sqlState(reconciler.query(`CREATE TABLE "order".stack_e2e_intruder (id int)`))).to.equal(
          '42501',
        );
      } finally {
        await reconciler.end();
      }
    });
  });
});
