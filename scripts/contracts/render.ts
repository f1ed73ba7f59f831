/**
 * Everything the contracts generator writes, rendered in memory from schemas/ and formatted with the
 * repository's Prettier settings (so `prettier --check` and the committed files agree).
 */
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { payloadRecordOf, UnsupportedSchemaError } from './avro-model.js';
import { renderAsyncApi } from './asyncapi.js';
import { readDeclarations, readJson } from './declarations.js';
import { renderDecoders, renderPayloads, renderTopics, type ContractTopic } from './typescript.js';

/** The folder of generated TypeScript, relative to the repository root; the generator owns all of it. */
export const GENERATED_DIR = 'packages/contracts/src/generated';
export const ASYNCAPI_FILE = 'docs/asyncapi.yaml';

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

export async function readContracts(repoRoot: string): Promise<ContractTopic[]> {
  const contracts: ContractTopic[] = [];
  for (const { topic, declaration, schemaFile } of await readDeclarations(repoRoot)) {
    const schema = await readJson(repoRoot, schemaFile);
    const payload = payloadRecordOf(schema, schemaFile);
    const key = payload.fields.find((field) => field.name === declaration.key);
    // The key is the aggregate id, which every payload carries; a declaration naming anything else is a typo.
    if (key?.type.kind !== 'string') {
      throw new UnsupportedSchemaError(
        `${schemaFile}: the topic's key "${declaration.key}" is not a string field of the payload`,
      );
    }
    contracts.push({ topic, declaration, schemaFile, schema, payload });
  }
  return contracts;
}

export async function renderContracts(repoRoot: string): Promise<GeneratedFile[]> {
  const contracts = await readContracts(repoRoot);
  const files: GeneratedFile[] = [
    { path: `${GENERATED_DIR}/topics.ts`, content: renderTopics(contracts) },
    { path: `${GENERATED_DIR}/payloads.ts`, content: renderPayloads(contracts) },
    { path: `${GENERATED_DIR}/decoders.ts`, content: renderDecoders(contracts) },
    { path: ASYNCAPI_FILE, content: renderAsyncApi(contracts) },
  ];
  return Promise.all(
    files.map(async (file) => {
      const filepath = path.join(repoRoot, file.path);
      const options = (await resolveConfig(filepath)) ?? {};
      return { path: file.path, content: await format(file.content, { ...options, filepath }) };
    }),
  );
}
