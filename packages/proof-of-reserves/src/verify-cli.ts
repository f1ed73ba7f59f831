/**
 * `npm run reserves:verify -- --proof proof.json [--root <hex> --total <koinu>]`: checks a downloaded
 * inclusion proof and prints OK or FAIL with the reason. With --root (and --total) it also checks the
 * proof against the root the platform published (GET /v1/reserves/latest), which is what makes the
 * check meaningful: a proof only shows inclusion in the root it carries. Exit code 0 OK, 1 FAIL,
 * 2 unusable input.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatDoge } from '@dbay/money';
import { proofFromJson, rootFromJson } from './wire.js';
import { verifyProof } from './tree.js';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

function main(): number {
  const { values } = parseArgs({
    options: { proof: { type: 'string' }, root: { type: 'string' }, total: { type: 'string' } },
    strict: true,
  });
  if (values.proof === undefined) {
    process.stderr.write(
      'usage: npm run reserves:verify -- --proof proof.json [--root <hex> --total <koinu>]\n',
    );
    return EXIT_USAGE;
  }
  let proof;
  let published;
  try {
    proof = proofFromJson(JSON.parse(readFileSync(values.proof, 'utf8')));
    if (values.root !== undefined)
      published = rootFromJson({
        hashHex: values.root,
        sumKoinu: values.total ?? proof.root.sumKoinu.toString(),
      });
  } catch (error) {
    process.stderr.write(`unusable input: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  const result = verifyProof(proof, published);
  if (!result.ok) {
    process.stdout.write(`FAIL: ${result.reason}\n`);
    return EXIT_FAIL;
  }
  process.stdout.write(
    `OK: user ${proof.userId} is included with ${formatDoge(proof.balanceKoinu)} DOGE in snapshot ` +
      `${proof.snapshotId}, root ${proof.root.hash.toString('hex')}, total ${formatDoge(proof.root.sumKoinu)} DOGE\n`,
  );
  return EXIT_OK;
}

process.exitCode = main();
