/**
 * The event contracts generator: reads every schemas/<topic>.avsc and schemas/<topic>.topic.json and
 * writes @dbay/contracts' generated code (packages/contracts/src/generated/: topic names, payload
 * types, decoders) and docs/asyncapi.yaml. Both are committed.
 *
 *   npm run contracts:generate   write the files (and delete generated files no topic produces any more)
 *   npm run contracts:check      regenerate into a temporary folder and exit 1, naming each file, when
 *                                the committed files differ (scripts/test.sh runs it, so CI does)
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnsupportedSchemaError } from './contracts/avro-model.js';
import { DeclarationError } from './contracts/declarations.js';
import { GENERATED_DIR, renderContracts, type GeneratedFile } from './contracts/render.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function writeAll(root: string, files: GeneratedFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, file.path)), { recursive: true });
    await writeFile(path.join(root, file.path), file.content);
  }
}

/** Files in the generated folder that this run does not produce (a topic was removed or renamed). */
async function staleFiles(files: GeneratedFile[]): Promise<string[]> {
  const produced = new Set(files.map((file) => file.path));
  const present = await readdir(path.join(repoRoot, GENERATED_DIR)).catch(() => [] as string[]);
  return present.map((name) => `${GENERATED_DIR}/${name}`).filter((file) => !produced.has(file));
}

async function generate(): Promise<void> {
  const files = await renderContracts(repoRoot);
  await writeAll(repoRoot, files);
  for (const stale of await staleFiles(files)) await rm(path.join(repoRoot, stale));
  console.log(`contracts: wrote ${files.map((file) => file.path).join(', ')}`);
}

async function check(): Promise<boolean> {
  const files = await renderContracts(repoRoot);
  const scratch = await mkdtemp(path.join(tmpdir(), 'dbay-contracts-'));
  const problems: string[] = [];
  try {
    await writeAll(scratch, files);
    for (const file of files) {
      const expected = await readFile(path.join(scratch, file.path), 'utf8');
      const committed = await readFile(path.join(repoRoot, file.path), 'utf8').catch(() => undefined);
      if (committed === undefined) problems.push(`missing: ${file.path}`);
      else if (committed !== expected) problems.push(`differs: ${file.path}`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  for (const stale of await staleFiles(files)) problems.push(`not generated from any schema: ${stale}`);
  if (problems.length === 0) {
    console.log(`contracts: ${files.length} generated files match schemas/`);
    return true;
  }
  console.error('contracts: the committed files are not what schemas/ generates:');
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('Run `npm run contracts:generate` and commit the result.');
  return false;
}

try {
  const mode = process.argv[2];
  if (mode === '--check') {
    if (!(await check())) process.exitCode = 1;
  } else if (mode === undefined) {
    await generate();
  } else {
    console.error(`usage: generate-contracts.ts [--check] (unknown argument ${mode})`);
    process.exitCode = 2;
  }
} catch (error) {
  const expected = error instanceof DeclarationError || error instanceof UnsupportedSchemaError;
  console.error(expected ? `contracts: ${error.message}` : error);
  process.exitCode = 1;
}
