// Proves, on the running stack (the wallet process, its Postgres schema, real Kafka and the schema
// registry), that deposit addresses come from the configured account xpub alone and are handed out
// once: 100 concurrent POST /v1/deposit-address for 50 users (two each, interleaved) give each user
// one address m/44'/3'/0'/0/N, all distinct, each equal to what the account xpub derives at N, and
// publish exactly one deposit-address.assigned per user. Two adapter instances on separate connection
// pools (two wallet replicas) racing on the same users give the same guarantee.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Knex } from 'knex';
import { deriveAddress, parseAccountXpub, parseAddressPath, regtest } from '@dbay/dogecoin';
import { createSchemaRegistry, EventCodec, type EventMessage } from '@dbay/platform';
import { waitFor } from '@dbay/testing';
import { DepositAddresses, type DepositAddress } from '../src/adapters/deposit-addresses.js';
import { api, SECRETS_DIR, stack, userToken, WALLET_KAFKA_BROKERS, walletKnex } from './support/stack.js';
import { TOPICS } from '@dbay/contracts';

const TOPIC = TOPICS.depositAddressAssigned;
const USERS = 50;
const REQUESTS_PER_USER = 2;
const EVENT_TIMEOUT_MS = 30_000;
/** How long a second (wrong) event for a user gets to show up after the first ones arrived. */
const QUIET_PERIOD_MS = 3_000;

interface AssignedEvent {
  key: string;
  payload: { userId: string; address: string; derivationPath: string; addressIndex: number | bigint };
}

/** The xpub the running wallet reads (ACCOUNT_XPUB_FILE, written by the signer's wallet creation). */
const accountXpub = readFileSync(path.join(SECRETS_DIR, 'account-xpub.txt'), 'utf8').trim();
const account = parseAccountXpub(accountXpub, regtest);

/** Checks an address against the xpub: it must be the receive address at the index its path names. */
function expectDerivedFromXpub(address: string, derivationPath: string): number {
  const parsed = parseAddressPath(derivationPath);
  expect(parsed.account, derivationPath).to.equal(0);
  expect(parsed.chain, derivationPath).to.equal('receive');
  expect(deriveAddress(account, 'receive', parsed.index, regtest).address, derivationPath).to.equal(address);
  return parsed.index;
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

describe('deposit addresses (integration: wallet HTTP API, Postgres, Kafka)', function () {
  this.timeout(120_000);
  const codec = new EventCodec(createSchemaRegistry(stack.schemaRegistryUrl));
  const events: AssignedEvent[] = [];
  let consumer: Consumer;
  let knex: Knex;

  before(async () => {
    const kafka = new Kafka({
      clientId: `wallet-deposit-addresses-${randomUUID()}`,
      brokers: WALLET_KAFKA_BROKERS,
      logLevel: logLevel.WARN,
    });
    knex = walletKnex(4);
    consumer = kafka.consumer({
      groupId: `wallet-deposit-addresses-${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: false });
    let joined!: () => void;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = (await codec.decode(message.value)) as EventMessage<AssignedEvent['payload']>;
        events.push({ key: message.key?.toString('utf8') ?? '', payload: decoded.payload });
      },
    });
    await hasJoined;
  });

  after(async () => {
    await consumer?.disconnect();
    await knex?.destroy();
  });

  const eventsFor = (userIds: string[]) => events.filter((event) => userIds.includes(event.payload.userId));

  async function expectOneEventPerUser(assigned: Map<string, { address: string; derivationPath: string }>) {
    const userIds = [...assigned.keys()];
    await waitFor(
      () => new Set(eventsFor(userIds).map((event) => event.payload.userId)).size === userIds.length,
      {
        timeoutMs: EVENT_TIMEOUT_MS,
        description: `deposit-address.assigned for all ${userIds.length} users`,
      },
    );
    await sleep(QUIET_PERIOD_MS);
    const received = eventsFor(userIds);
    expect(received, 'exactly one event per user').to.have.length(userIds.length);
    for (const event of received) {
      const expected = assigned.get(event.payload.userId)!;
      expect(event.key).to.equal(event.payload.userId);
      expect(event.payload).to.include({
        address: expected.address,
        derivationPath: expected.derivationPath,
      });
      expect(Number(event.payload.addressIndex)).to.equal(parseAddressPath(expected.derivationPath).index);
    }
  }

  it(`gives ${USERS} users one address each under ${USERS * REQUESTS_PER_USER} concurrent requests`, async () => {
    const users = Array.from({ length: USERS }, () => randomUUID());
    const tokens = new Map(
      await Promise.all(users.map(async (userId) => [userId, await userToken(userId)] as const)),
    );

    // Before any POST there is no address, and GET does not create one.
    const before = await api('GET', '/v1/deposit-address', { token: tokens.get(users[0]!)! });
    expect(before.status).to.equal(404);
    expect(before.body.error?.code).to.equal('WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED');

    const calls = shuffled(
      users.flatMap((userId) => Array.from({ length: REQUESTS_PER_USER }, () => userId)),
    );
    const answers = await Promise.all(
      calls.map(async (userId) => {
        const response = await api('POST', '/v1/deposit-address', {
          token: tokens.get(userId)!,
          idempotencyKey: randomUUID(),
          body: {},
        });
        return { userId, response };
      }),
    );

    const assigned = new Map<string, { address: string; derivationPath: string }>();
    for (const { userId, response } of answers) {
      expect(response.status, response.text).to.equal(200);
      const { address, derivationPath } = response.body as { address: string; derivationPath: string };
      const earlier = assigned.get(userId);
      if (earlier)
        expect({ address, derivationPath }, `the same answer for ${userId}`).to.deep.equal(earlier);
      else assigned.set(userId, { address, derivationPath });
    }
    expect(assigned.size).to.equal(USERS);
    const addresses = [...assigned.values()].map((value) => value.address);
    expect(new Set(addresses).size, 'all addresses distinct').to.equal(USERS);
    const indexes = [...assigned.values()].map((value) =>
      expectDerivedFromXpub(value.address, value.derivationPath),
    );
    expect(new Set(indexes).size, 'all indexes distinct').to.equal(USERS);

    // The database agrees: one row per user, and no other user holds any of these addresses.
    const rows = await knex('deposit_addresses')
      .whereIn('address', addresses)
      .select<{ user_id: string; address: string; address_index: string }[]>(
        'user_id',
        'address',
        'address_index',
      );
    expect(rows).to.have.length(USERS);
    for (const row of rows) {
      expect(assigned.get(row.user_id)?.address).to.equal(row.address);
      expect(Number(row.address_index)).to.equal(
        parseAddressPath(assigned.get(row.user_id)!.derivationPath).index,
      );
    }

    // GET answers with the assigned address; a later POST changes nothing.
    const someone = users[7]!;
    const got = await api('GET', '/v1/deposit-address', { token: tokens.get(someone)! });
    expect(got.status).to.equal(200);
    expect(got.body).to.include(assigned.get(someone)!);
    const again = await api('POST', '/v1/deposit-address', {
      token: tokens.get(someone)!,
      idempotencyKey: randomUUID(),
      body: {},
    });
    expect(again.body).to.include(assigned.get(someone)!);

    await expectOneEventPerUser(assigned);
  });

  it('hands out one address per user when two wallet replicas race on the same users', async () => {
    // Two adapters on two connection pools behave like two wallet processes on the one database.
    const replicaPools = [walletKnex(5), walletKnex(5)];
    const replicas = replicaPools.map((pool) => new DepositAddresses(pool, regtest, () => accountXpub));
    try {
      const users = Array.from({ length: 20 }, () => randomUUID());
      const attempts = shuffled(
        users.flatMap((userId) =>
          replicas.flatMap((replica) => [replica, replica].map((r) => ({ r, userId }))),
        ),
      );
      const results = await Promise.all(attempts.map(({ r, userId }) => r.assign(userId, randomUUID())));

      const byUser = new Map<string, DepositAddress>();
      const created = new Map<string, number>();
      results.forEach(({ address, created: isNew }, index) => {
        const userId = attempts[index]!.userId;
        expect(address.userId).to.equal(userId);
        const earlier = byUser.get(userId);
        if (earlier) expect(address).to.deep.equal(earlier);
        else byUser.set(userId, address);
        if (isNew) created.set(userId, (created.get(userId) ?? 0) + 1);
      });
      expect(
        [...created.values()].every((count) => count === 1) && created.size === users.length,
        'each user assigned exactly once',
      ).to.equal(true);
      const addresses = [...byUser.values()];
      expect(new Set(addresses.map((a) => a.address)).size).to.equal(users.length);
      for (const address of addresses) {
        expect(expectDerivedFromXpub(address.address, address.derivationPath)).to.equal(address.addressIndex);
      }
      await expectOneEventPerUser(
        new Map(addresses.map((a) => [a.userId, { address: a.address, derivationPath: a.derivationPath }])),
      );
    } finally {
      await Promise.all(replicaPools.map((pool) => pool.destroy()));
    }
  });
});
