/**
 * `node --import tsx soak/books-before.ts <file>`: runs the reconciler once on the stack with no grace
 * period and writes its run id to `file`, for `soak/run.ts --books-before <file>` to judge the books
 * against later. `npm test` runs it before the integration tier, so the soak's "reconciler clean" check
 * covers everything the suite and the soak left (issue 16: the books stay provable after the tests).
 */
import { writeFileSync } from 'node:fs';
import { findingsByCheck, reconcileNow } from './checks.js';

const file = process.argv[2];
if (!file) throw new Error('usage: soak/books-before.ts <file>');
const before = await reconcileNow({ RECONCILE_GRACE_SECONDS: '0' });
if (before.failure !== undefined || before.runId === undefined)
  throw new Error(`the reconciler before the suite: ${before.failure ?? 'no run id'}`);
writeFileSync(file, `${JSON.stringify({ runId: before.runId, findings: before.findings.length })}\n`);
console.log(
  `reconciler run ${before.runId} before the suite: ${before.findings.length} finding(s) ${JSON.stringify(findingsByCheck(before.findings))}`,
);
