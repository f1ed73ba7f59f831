/**
 * A throwaway single-node KRaft broker (the stack's own Kafka jars, a temporary data dir, free ports)
 * with the declared topics and their .dlq (scripts/provision.ts, schemas in the stack's registry), so a
 * benchmark's thousands of messages never reach the stack's broker or the stack's services. And what a
 * benchmark does to a consumer group on it between phases: move it past everything it has not read.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Admin, type SeekEntry } from 'kafkajs';
import { REPO_ROOT, stackEndpoints } from '@dbay/testing';
import { freePort, hasExited, stopChild } from './processes.js';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 90_000;
const GROUP_EMPTY_TIMEOUT_MS = 60_000;
const POLL_MS = 300;

export interface ThrowawayKafka {
  brokers: string;
  /** Stops the broker and removes its data; safe to call more than once. */
  stop(): Promise<void>;
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`,
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

function admin(brokers: string): Admin {
  return new Kafka({ clientId: 'bench-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
}

async function waitUntilAnswering(broker: ChildProcess, brokers: string): Promise<void> {
  const client = admin(brokers);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (hasExited(broker)) throw new Error(`the throwaway Kafka exited with ${broker.exitCode}`);
    try {
      await client.connect();
      await client.describeCluster();
      await client.disconnect();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('the throwaway Kafka did not start in time');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** Creates the declared topics and registers their schemas, as `scripts/stack.sh up` does. */
async function provisionTopics(brokers: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/provision.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: stackEndpoints().schemaRegistryUrl },
  });
}

/** Starts a broker + controller in one JVM, waits until it answers and provisions the declared topics. */
export async function startThrowawayKafka(): Promise<ThrowawayKafka> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-kafka-'));
  const properties = path.join(dir, 'server.properties');
  await writeFile(properties, serverProperties(dir, port, controllerPort));
  await writeFile(
    path.join(dir, 'log4j.properties'),
    'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n' +
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n' +
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
  );
  const java = [
    '-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
    '-cp', path.join(stackEndpoints().kafkaLibsDir, '*'),
  ]; // prettier-ignore
  let broker: ChildProcess | undefined;
  const stop = async () => {
    if (broker) await stopChild(broker);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const clusterId = randomBytes(16).toString('base64url');
    await run('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties]);
    const log = openSync(path.join(dir, 'kafka.log'), 'w');
    try {
      broker = spawn('java', [...java, 'kafka.Kafka', properties], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    const brokers = `127.0.0.1:${port}`;
    await waitUntilAnswering(broker, brokers);
    await provisionTopics(brokers);
    return { brokers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The topics schemas/*.topic.json declare `service` consumes: the public contract, not its code. */
export async function topicsConsumedBy(service: string): Promise<string[]> {
  const dir = path.join(REPO_ROOT, 'schemas');
  const suffix = '.topic.json';
  const topics: string[] = [];
  for (const file of (await readdir(dir)).filter((name) => name.endsWith(suffix)).sort()) {
    const declaration = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { consumers?: unknown };
    if (Array.isArray(declaration.consumers) && declaration.consumers.includes(service))
      topics.push(file.slice(0, -suffix.length));
  }
  return topics;
}

/**
 * The partitions on which a group has something left to read, each with its end offset. A partition the
 * group never committed on starts at its low watermark (the platform's consumers start new groups at the
 * beginning), so it counts as unread when it holds any message.
 */
export function partitionsBehind(
  ends: readonly { partition: number; low: string; high: string }[],
  committed: readonly { partition: number; offset: string }[],
): SeekEntry[] {
  return ends
    .filter(({ partition, low, high }) => {
      const offset = committed.find((entry) => entry.partition === partition)?.offset ?? '-1';
      const position = BigInt(offset) >= 0n ? BigInt(offset) : BigInt(low);
      return BigInt(high) > position;
    })
    .map(({ partition, high }) => ({ partition, offset: high }));
}

async function waitUntilGroupEmpty(client: Admin, groupId: string): Promise<void> {
  const deadline = Date.now() + GROUP_EMPTY_TIMEOUT_MS;
  for (;;) {
    const state = (await client.describeGroups([groupId])).groups[0]?.state ?? 'Dead';
    if (state === 'Empty' || state === 'Dead') return;
    if (Date.now() > deadline) throw new Error(`consumer group ${groupId} is still ${state}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Moves a stopped consumer group past every message on `topics` it has not read, so that when its
 * service starts again it never sees them. The group must be empty (its processes stopped); this waits
 * for that. Returns the topics it moved; checks that the broker committed each move.
 */
export async function moveGroupToEnd(
  brokers: string,
  groupId: string,
  topics: readonly string[],
): Promise<string[]> {
  const client = admin(brokers);
  await client.connect();
  try {
    await waitUntilGroupEmpty(client, groupId);
    const moved: string[] = [];
    for (const topic of topics) {
      const committed = async () =>
        (await client.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
      const ends = await client.fetchTopicOffsets(topic);
      const behind = partitionsBehind(ends, await committed());
      if (behind.length === 0) continue;
      await client.setOffsets({ groupId, topic, partitions: behind });
      if (partitionsBehind(ends, await committed()).length > 0)
        throw new Error(`the offsets of ${groupId} on ${topic} did not move to the end`);
      moved.push(topic);
    }
    return moved;
  } finally {
    await client.disconnect();
  }
}

/** How many messages `topics` hold in all (for the dead-letter topics: how many were dead-lettered). */
export async function messagesOn(brokers: string, topics: readonly string[]): Promise<number> {
  const client = admin(brokers);
  await client.connect();
  try {
    let count = 0n;
    for (const topic of topics) {
      for (const { low, high } of await client.fetchTopicOffsets(topic)) count += BigInt(high) - BigInt(low);
    }
    return Number(count);
  } finally {
    await client.disconnect();
  }
}
