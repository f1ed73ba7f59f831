/**
 * What a benchmark does to a consumer group on its throwaway broker (@dbay/testing's
 * startThrowawayKafka) between phases: move it past everything it has not read; and how many messages
 * a set of topics holds.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Admin, SeekEntry } from 'kafkajs';
import { quietAdmin, REPO_ROOT } from '@dbay/testing';

const GROUP_EMPTY_TIMEOUT_MS = 60_000;
const POLL_MS = 300;

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
  const client = quietAdmin(brokers);
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
  const client = quietAdmin(brokers);
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
