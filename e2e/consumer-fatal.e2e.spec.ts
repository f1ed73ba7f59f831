// Proves the skeleton's crash hook for every service that consumes Kafka: when kafkajs gives up on a
// service's consumer for good, the process exits non-zero (so the orchestrator restarts it) instead of
// answering /healthz while nothing is consumed. The fatal error is a real one: another member holds the
// service's consumer group with a protocol the service does not speak, so the broker refuses the
// service's join with INCONSISTENT_GROUP_PROTOCOL, which kafkajs does not retry. The occupying member
// is assigned nothing, so it never reads or commits an offset of the group.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type PartitionAssigner } from 'kafkajs';
import {
  lastExitCode,
  servicePid,
  stackEndpoints,
  startService,
  stopService,
  waitFor,
  type ServiceName,
  stackKafkaSasl,
} from '@dbay/testing';
import { TOPICS } from '@dbay/contracts';

const stack = stackEndpoints();
const OCCUPIER_PROTOCOL = 'DbayGroupOccupier';

/** An assigner that nobody else in the platform speaks, and that assigns no partition to anyone. */
const occupierAssigner: PartitionAssigner = () => ({
  name: OCCUPIER_PROTOCOL,
  version: 1,
  assign: ({ members }) =>
    Promise.resolve(
      members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: {},
          userData: Buffer.alloc(0),
        }),
      })),
    ),
  protocol: ({ topics }) => ({
    name: OCCUPIER_PROTOCOL,
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
  }),
});

/** One topic each service consumes: the occupier subscribes to it so its member is a real one. */
const CONSUMERS: Partial<Record<ServiceName, string>> = {
  wallet: TOPICS.escrowLockRequested,
  'deposit-watcher': TOPICS.depositAddressAssigned,
  'withdrawal-saga': TOPICS.withdrawalRequested,
  signer: TOPICS.withdrawalSigningRequested,
};

async function occupyGroup(groupId: string, topic: string): Promise<Consumer> {
  const kafka = new Kafka({
    clientId: 'e2e-occupier',
    brokers: stack.kafkaBrokers,
    ...stackKafkaSasl(),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [occupierAssigner],
    sessionTimeout: 10_000,
  });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
  await waitFor(() => joined, { timeoutMs: 30_000, description: `the occupier to join ${groupId}` });
  return consumer;
}

describe('a consumer that kafkajs gives up on stops its service (every service)', function () {
  this.timeout(180_000);

  for (const [service, topic] of Object.entries(CONSUMERS) as [ServiceName, string][]) {
    it(`${service}: exits 1 with the consumer's fatal error, and runs again once the group is free`, async () => {
      await stopService(service);
      const occupier = await occupyGroup(service, topic);
      try {
        // The start may be reported healthy (HTTP listens before the consumer joins) or fail at once.
        await startService(service).catch(() => undefined);
        await waitFor(() => servicePid(service) === undefined && lastExitCode(service) !== undefined, {
          timeoutMs: 60_000,
          description: `${service} to exit`,
        });
        expect(lastExitCode(service)).to.equal(1);
        const log = readFileSync(path.join(stack.logDir, `${service}.log`), 'utf8');
        const lastStart = log.lastIndexOf(`starting ${service}`);
        expect(log.slice(lastStart)).to.match(/Consumer crashed and will not restart/);
      } finally {
        await occupier.disconnect();
      }
      await startService(service);
      await waitFor(
        async () => {
          const response = await fetch(`${stack.services[service].url}/readyz`).catch(() => undefined);
          return response?.status === 200;
        },
        { timeoutMs: 90_000, description: `${service} to be ready again` },
      );
    });
  }
});
