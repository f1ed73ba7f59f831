/**
 * `npm run soak -- --minutes N [--users U] [--fault-every-s S] [--report file] [--books-before file]`: the whole platform under a
 * stream of real user flows while a nemesis kills and restarts its parts, then the books are asked whether
 * anything was lost or duplicated. Runs against the stack `npm run stack:up` started (it uses the stack's
 * development clock to close the auctions it opened, so never point it at anything else).
 *
 *   1. set-up: U users funded by one mined deposit each; second replicas of the order and wallet services
 *   2. load: every user runs flows (soak/actors.ts) while the nemesis works through its printed schedule
 *      (soak/nemesis.ts), a miner mines a block every 1.5 s, and a supervisor restarts what died
 *   3. quiesce: the nemesis stops, everything is brought back up, the development clock moves past every
 *      auction's end, blocks are mined until no withdrawal or payment is in flight (or the wait runs out)
 *   4. checks (soak/checks.ts), the report printed and written (default .stack/soak-report.json); exit 1
 *      on any violation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDoge } from '@dbay/money';
import { RegtestControl, dogecoinRpcPassword, stackEndpoints } from '@dbay/testing';
import { Market, DOGE } from './actors.js';
import { operatorCall, SoakUser, sleep } from './api.js';
import {
  balanceEquation,
  exactlyOnce,
  expectedTotal,
  nothingStuck,
  paidOnceOnChain,
  readBooksBefore,
  reconcileNow,
  reconcilerClean,
  storedReconciliation,
  findingsByCheck,
  snapshot,
  type CheckResult,
  type Snapshot,
} from './checks.js';
import { Nemesis, schedule } from './nemesis.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    users: { type: 'string', default: '6' },
    'fault-every-s': { type: 'string', default: '' },
    report: { type: 'string', default: '' },
    'quiesce-timeout-s': { type: 'string', default: '240' },
    // A file soak/books-before.ts wrote: the books are judged against that reconciler run, not one
    // made now (npm test takes it before the integration tier, so the suite is judged too).
    'books-before': { type: 'string', default: '' },
  },
});
const minutes = Number(values.minutes);
const userCount = Number.parseInt(values.users, 10);
if (!(minutes > 0) || !(userCount >= 2)) throw new Error('usage: --minutes N (> 0) --users U (>= 2)');
const durationMs = Math.round(minutes * 60_000);
const faultEveryMs = values['fault-every-s'] ? Number(values['fault-every-s']) * 1000 : 13_000;
const stack = stackEndpoints();
const reportFile = values.report || path.join(stack.stackDir, 'soak-report.json');

const log = (line: string) => console.log(`[soak +${Math.round((Date.now() - began) / 1000)}s] ${line}`);
const began = Date.now();

async function main(): Promise<number> {
  const chain = new RegtestControl(stack.dogecoinRpc.url, stack.dogecoinRpc.user, dogecoinRpcPassword());
  const fromHeight = (await chain.status()).height;
  const users = await Promise.all(
    Array.from({ length: userCount }, (_, index) => SoakUser.create(`user-${index + 1}`)),
  );
  const market = new Market(users, chain);
  const nemesis = new Nemesis(chain, log);

  // The books before: as the soak finds them, or as npm test found them before its integration tier
  // (--books-before), read with no grace period; only findings beyond these count (see reconcilerClean).
  const before = values['books-before']
    ? await storedReconciliation(readBooksBefore(values['books-before']))
    : await reconcileNow({ RECONCILE_GRACE_SECONDS: '0' });
  if (before.failure !== undefined) throw new Error(`reconciler before the soak: ${before.failure}`);
  log(
    `reconciler before ${values['books-before'] ? 'the test suite' : 'the soak'} (run ${before.runId}): ${before.findings.length} finding(s) ${JSON.stringify(findingsByCheck(before.findings))}`,
  );
  log(`set-up: ${userCount} users, funded on chain`);
  for (const user of users) await market.deposit(user, 200n * DOGE);
  await chain.mine(6);
  await nemesis.startReplicas();

  const faults = schedule(durationMs, faultEveryMs);
  console.log(`nemesis schedule (${faults.length} faults over ${minutes} min):`);
  for (const fault of faults)
    console.log(`  +${(fault.atMs / 1000).toFixed(0).padStart(5)} s  ${fault.kind}`);

  let loadOver = false;
  const stopped = () => loadOver;
  const startedAt = Date.now();
  const miner = (async () => {
    while (!loadOver) {
      await chain.mine(1).catch(() => undefined);
      await sleep(1_500);
    }
  })();
  const supervisor = nemesis.supervise(stopped);
  const nemesisDone = nemesis.run(faults, startedAt, stopped);
  const actors = users.map((user) => market.act(user, stopped));
  await sleep(durationMs);
  loadOver = true;
  log('load over; waiting for the actors and the nemesis to finish their step');
  await Promise.all([...actors, nemesisDone, supervisor, miner]);

  log('quiesce: every part back up, the clock past every auction, blocks until nothing is in flight');
  await nemesis.heal();
  await operatorCall('POST', '/dev/clock', { advanceMs: 60 * 60_000 });
  const quiesceDeadline = Date.now() + Number(values['quiesce-timeout-s']) * 1000;
  let snapshots: Snapshot[];
  for (;;) {
    await chain.mine(1);
    snapshots = await Promise.all(users.map((user) => snapshot(user)));
    const inFlight = nothingStuck(snapshots).violations.length;
    const unsettled = (
      await Promise.all(
        snapshots.map(async (each) => {
          const balance = await each.user.balance();
          return balance.available + balance.locked + balance.pending !== expectedTotal(market, each);
        }),
      )
    ).filter(Boolean).length;
    if ((inFlight === 0 && unsettled === 0) || Date.now() > quiesceDeadline) break;
    await sleep(1_000);
  }
  await nemesis.stopReplicas();

  log('checks');
  const checks: CheckResult[] = [
    await balanceEquation(market, snapshots),
    exactlyOnce(market, snapshots),
    nothingStuck(snapshots),
    await paidOnceOnChain(market, snapshots, chain, fromHeight),
    await reconcilerClean(before),
  ];

  const faultsByKind: Record<string, number> = {};
  for (const fault of nemesis.done) faultsByKind[fault.kind] = (faultsByKind[fault.kind] ?? 0) + 1;
  const violations = checks.reduce((sum, check) => sum + check.violations.length, 0);
  const report = {
    startedAt: new Date(began).toISOString(),
    minutes,
    users: userCount,
    operations: Object.fromEntries(market.counters.operations),
    refusals: Object.fromEntries(market.counters.refusals),
    unansweredAfterRetries: market.counters.unanswered,
    depositedDoge: formatDoge(
      [...market.records.values()]
        .flatMap((each) => each.depositsKoinu)
        .reduce((sum, each) => sum + each, 0n),
    ),
    faults: nemesis.done,
    faultsByKind,
    faultsFailed: nemesis.done.filter((fault) => fault.error !== undefined).length,
    unplannedExits: nemesis.unplannedExits,
    /** What the reconciler found before the soak began (not the soak's; see reconcilerClean). */
    findingsBefore: findingsByCheck(before.findings),
    checks: checks.map((check) => ({
      name: check.name,
      examined: check.examined,
      violations: check.violations.length,
      details: check.violations.slice(0, 50),
    })),
    violations,
    seconds: Math.round((Date.now() - began) / 1000),
  };
  mkdirSync(path.dirname(reportFile), { recursive: true });
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);

  console.log('\nsoak report');
  console.log(`  operations:   ${JSON.stringify(report.operations)}`);
  console.log(`  refusals:     ${JSON.stringify(report.refusals)}`);
  console.log(`  unanswered:   ${report.unansweredAfterRetries}`);
  console.log(
    `  faults:       ${JSON.stringify(faultsByKind)} (${report.faultsFailed} could not be inflicted)`,
  );
  console.log(
    `  crash exits:  ${nemesis.unplannedExits.length} (services that exited on a fault and were restarted)`,
  );
  console.log(
    `  before:       ${before.findings.length} reconciler finding(s) already on the books ${JSON.stringify(report.findingsBefore)}`,
  );
  for (const check of checks)
    console.log(
      `  ${check.violations.length === 0 ? 'ok  ' : 'FAIL'} ${check.name} (${check.examined} examined)`,
    );
  for (const check of checks) for (const line of check.violations.slice(0, 20)) console.log(`       ${line}`);
  console.log(`  violations:   ${violations}`);
  console.log(`  report:       ${reportFile}`);
  return violations === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('soak: failed', error);
    process.exit(2);
  },
);
