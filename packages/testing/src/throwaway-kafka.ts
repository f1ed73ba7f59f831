/**
 * A throwaway single-node KRaft broker (the stack's own Kafka jars, a temporary data dir, free ports)
 * with the declared topics and their .dlq (scripts/provision.ts, schemas in the stack's registry), so a
 * benchmark's thousands of messages, or a test standing in for another service, never reach the stack's
 * broker or the stack's services.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { freePort, hasExited, stopChild } from './processes.js';
import { REPO_ROOT, stackEndpoints } from './stack-env.js';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 90_000;
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

/** An admin client on `brokers` that logs nothing (connect and disconnect it yourself). */
export function quietAdmin(brokers: string): Admin {
  return new Kafka({ clientId: 'dbay-test-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
}

async function waitUntilAnswering(broker: ChildProcess, brokers: string): Promise<void> {
  const client = quietAdmin(brokers);
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

/**
 * Creates the declared topics and registers their schemas, as `scripts/stack.sh up` does. A throwaway broker
 * is plaintext with no authorizer (a test stands in for any service on it), so it gets no ACLs.
 */
async function provisionTopics(brokers: string): Promise<void> {
  await run(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/provision.ts'), 'topics', 'schemas'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        KAFKA_SASL_MECHANISM: 'none',
        SCHEMA_REGISTRY_URL: stackEndpoints().schemaRegistryUrl,
      },
    },
  );
}

/** Starts a broker + controller in one JVM, waits until it answers and provisions the declared topics. */
export async function startThrowawayKafka(): Promise<ThrowawayKafka> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbay-kafka-'));
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
    // `--cluster-id=<id>` in one argument: a base64url id may start with '-', which the tool's argument
    // parser would take for an option after a separate `-t` (1 start in 64 failed that way).
    await run('java', [
      ...java,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      properties,
    ]);
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
