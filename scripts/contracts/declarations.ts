/**
 * Reading schemas/: every `<topic>.topic.json` declaration (docs/CONVENTIONS.md, "Events") and the
 * `<topic>.avsc` beside it. The stack's provisioning and the contracts generator both read topics
 * through here, so a declaration that one of them accepts the other accepts too.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const TOPIC_FILE_SUFFIX = '.topic.json';
export const DLQ_SUFFIX = '.dlq';

/** The declaration format of docs/CONVENTIONS.md; unknown fields are refused so a typo cannot pass. */
export const TopicDeclaration = z.strictObject({
  partitions: z.number().int().min(1).max(1000),
  replicationFactor: z.number().int().min(1),
  key: z.string().min(1),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  producers: z.array(z.string().min(1)),
  consumers: z.array(z.string().min(1)),
  doc: z.string().min(1),
});
export type TopicDeclaration = z.infer<typeof TopicDeclaration>;

export interface DeclaredTopic {
  topic: string;
  /** The declaration's path relative to the repository root, for messages. */
  file: string;
  declaration: TopicDeclaration;
  /** The Avro schema's path relative to the repository root. */
  schemaFile: string;
}

/** A schemas/ file that breaks the format; the message starts with the file's path. */
export class DeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclarationError';
  }
}

/** Every topic declared in `<repoRoot>/schemas`, sorted by name. */
export async function readDeclarations(repoRoot: string): Promise<DeclaredTopic[]> {
  const schemasDir = path.join(repoRoot, 'schemas');
  const files = (await readdir(schemasDir)).filter((file) => file.endsWith(TOPIC_FILE_SUFFIX)).sort();
  const declared: DeclaredTopic[] = [];
  for (const name of files) {
    const file = path.join('schemas', name);
    const topic = name.slice(0, -TOPIC_FILE_SUFFIX.length);
    if (!/^[a-zA-Z0-9._-]{1,200}$/.test(topic) || topic.endsWith(DLQ_SUFFIX)) {
      throw new DeclarationError(
        `${file}: "${topic}" is not a legal topic name (or ends with ${DLQ_SUFFIX})`,
      );
    }
    const parsed = TopicDeclaration.safeParse(await readJson(repoRoot, file));
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      throw new DeclarationError(`${file}: ${problems.join('; ')}`);
    }
    const schemaFile = path.join('schemas', `${topic}.avsc`);
    declared.push({ topic, file, declaration: parsed.data, schemaFile });
  }
  return declared;
}

/** Reads a JSON file of the repository; a missing or malformed file is a DeclarationError naming it. */
export async function readJson(repoRoot: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(repoRoot, file), 'utf8');
  } catch (error) {
    throw new DeclarationError(`${file}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DeclarationError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}
