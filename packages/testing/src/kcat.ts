/**
 * kcat (Debian's package, installed by stack:up) for replay tests: dump a range of one partition to a
 * file and produce that file back, byte for byte, keys included. Values are Avro behind the 5-byte
 * Confluent header and may hold any byte, newlines too, so a dump separates keys and messages with long
 * marker strings instead of newlines. The README shows the same commands for use by hand.
 *
 * Limits: headers are not kept (DBay's metadata lives in the Avro envelope), and a key that is the empty
 * string comes back as a NULL key (kcat's -Z).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { stackEndpoints } from './stack-env.js';

const run = promisify(execFile);
const KCAT_TIMEOUT_MS = 60_000;
const MAX_DUMP_BYTES = 256 * 1024 * 1024;

/** Ends every message in a dump file (kcat's escape syntax; the file holds real newlines). */
export const KCAT_MESSAGE_SEPARATOR = '\\n--dbay-kcat-message--\\n';
/** Separates a message's key from its value in a dump file. */
export const KCAT_KEY_SEPARATOR = '\\n--dbay-kcat-key--\\n';

export interface DumpedMessage {
  /** Null when the message had no key (or an empty one). */
  key: Buffer | null;
  value: Buffer;
}

const unescape = (separator: string) => Buffer.from(separator.replaceAll('\\n', '\n'));

/** Splits the bytes of a dump file into its messages. */
export function parseKcatDump(dump: Buffer): DumpedMessage[] {
  const messageSeparator = unescape(KCAT_MESSAGE_SEPARATOR);
  const keySeparator = unescape(KCAT_KEY_SEPARATOR);
  const messages: DumpedMessage[] = [];
  let start = 0;
  while (start < dump.length) {
    const end = dump.indexOf(messageSeparator, start);
    if (end < 0) throw new Error(`a kcat dump must end with its message separator (byte ${start} onwards)`);
    const keyEnd = dump.indexOf(keySeparator, start);
    if (keyEnd < 0 || keyEnd > end)
      throw new Error(`a message in a kcat dump has no key separator (byte ${start})`);
    const key = dump.subarray(start, keyEnd);
    messages.push({
      key: key.length === 0 ? null : key,
      value: dump.subarray(keyEnd + keySeparator.length, end),
    });
    start = end + messageSeparator.length;
  }
  return messages;
}

/**
 * Runs kcat with the given arguments against `brokers` (the stack's unless a sandbox names its own);
 * resolves with its stdout bytes.
 */
export async function kcat(
  args: string[],
  brokers: readonly string[] = stackEndpoints().kafkaBrokers,
): Promise<Buffer> {
  const stack = stackEndpoints();
  // The stack's broker takes authenticated clients only: kcat reads the admin's settings from a file, so
  // the password is never on its command line. A sandbox's throwaway broker is plaintext.
  const onStack = brokers.join(',') === stack.kafkaBrokers.join(',') && stack.kafkaSaslMechanism !== 'none';
  const auth = onStack ? ['-F', stack.kafkaKcatConfig] : [];
  const { stdout } = await run('kcat', [...auth, '-b', brokers.join(','), ...args], {
    encoding: 'buffer',
    timeout: KCAT_TIMEOUT_MS,
    maxBuffer: MAX_DUMP_BYTES,
  });
  return stdout;
}

export interface DumpRange {
  topic: string;
  partition: number;
  /** The first offset to dump. */
  fromOffset: number;
  /** How many messages at most (the dump stops at the end of the partition). */
  count: number;
}

/** The kcat arguments that print a range of one partition in the dump format. */
export function kcatDumpArgs({ topic, partition, fromOffset, count }: DumpRange): string[] {
  return [
    '-C', '-e', '-q',
    '-t', topic, '-p', String(partition), '-o', String(fromOffset), '-c', String(count),
    '-K', KCAT_KEY_SEPARATOR, '-D', KCAT_MESSAGE_SEPARATOR,
  ]; // prettier-ignore
}

/** Writes the range to `file` (kcat -C ... > file). */
export async function kcatDump(range: DumpRange, file: string): Promise<void> {
  await writeFile(file, await kcat(kcatDumpArgs(range)));
}

/**
 * Produces a dump file back (kcat -P -l), to `partition` when given; otherwise kcat's murmur2 partitioner
 * places each key where the Java client and kafkajs would.
 */
export async function kcatProduce(topic: string, file: string, partition?: number): Promise<void> {
  await kcat([
    '-P', '-t', topic,
    ...(partition === undefined ? ['-X', 'topic.partitioner=murmur2_random'] : ['-p', String(partition)]),
    '-K', KCAT_KEY_SEPARATOR, '-D', KCAT_MESSAGE_SEPARATOR, '-Z', '-l', file,
  ]); // prettier-ignore
}
