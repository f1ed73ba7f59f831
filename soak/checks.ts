/**
 * What the soak asks the books once the platform is quiet again. Each check returns its violations as
 * sentences; the report lists them, and the run fails on any.
 *
 * - the reconciler (a fresh `npm run reconcile` run) has no findings beyond those it had before the soak;
 * - per user, deposits - withdrawals (amount + network fee) - spent + earned = balance (all three buckets);
 * - every accepted buy and withdrawal exists exactly once, and nothing exists that was not accepted;
 * - every finalized withdrawal paid its destination exactly once on chain, a failed one never;
 * - no saga stuck: no withdrawal still on its way, no order still waiting for its payment's answer.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Block } from 'bitcoinjs-lib';
import { outputScriptForAddress, regtest } from '@dbay/dogecoin';
import { formatDoge, parseDoge } from '@dbay/money';
import pg from 'pg';
import { REPO_ROOT, stackEndpoints, type RegtestControl } from '@dbay/testing';
import type { SoakUser } from './api.js';
import type { Market } from './actors.js';

const run = promisify(execFile);

export interface CheckResult {
  name: string;
  examined: number;
  violations: string[];
}

const koinu = (doge: unknown): bigint =>
  typeof doge === 'string' ? parseDoge(doge, { allowZero: true }) : 0n;

interface OrderView {
  id: string;
  listingId: string | null;
  auctionId: string | null;
  status: string;
  amount: string;
  fee: string;
  resolution: { buyerRefund: string | null; sellerCredit: string | null } | null;
}

interface WithdrawalView {
  withdrawalId: string;
  amount: string;
  networkFee: string;
  status: string;
}

export interface Snapshot {
  user: SoakUser;
  bought: OrderView[];
  sold: OrderView[];
  withdrawals: WithdrawalView[];
}

/**
 * The user's orders and withdrawals as the APIs show them, every page of each (a 30-minute soak makes
 * hundreds of withdrawals per user; reading only the newest 100 made each older one look lost and the
 * balance equation miss its debit).
 */
export async function snapshot(user: SoakUser): Promise<Snapshot> {
  const withdrawals = (await user.all(
    'wallet',
    '/withdrawals',
    'withdrawals',
  )) as unknown as WithdrawalView[];
  return {
    user,
    bought: (await user.all('orders', '/orders?role=buyer', 'orders')) as unknown as OrderView[],
    sold: (await user.all('orders', '/orders?role=seller', 'orders')) as unknown as OrderView[],
    withdrawals,
  };
}

/** What the user's total (available + locked + pending) must be, from their deposits, orders and withdrawals. */
export function expectedTotal(market: Market, { user, bought, sold, withdrawals }: Snapshot): bigint {
  let total = market.records.get(user.userId)!.depositsKoinu.reduce((sum, each) => sum + each, 0n);
  for (const withdrawal of withdrawals)
    if (withdrawal.status === 'FINALIZED') total -= koinu(withdrawal.amount) + koinu(withdrawal.networkFee);
  for (const order of bought) {
    if (order.status === 'COMPLETED') total -= koinu(order.amount);
    if (order.status === 'SPLIT') total -= koinu(order.amount) - koinu(order.resolution?.buyerRefund);
  }
  for (const order of sold) {
    if (order.status === 'COMPLETED') total += koinu(order.amount) - koinu(order.fee);
    if (order.status === 'SPLIT') total += koinu(order.resolution?.sellerCredit);
  }
  return total;
}

export async function balanceEquation(market: Market, snapshots: readonly Snapshot[]): Promise<CheckResult> {
  const violations: string[] = [];
  for (const each of snapshots) {
    const balance = await each.user.balance();
    const actual = balance.available + balance.locked + balance.pending;
    const expected = expectedTotal(market, each);
    if (actual !== expected)
      violations.push(
        `${each.user.name}: balance ${formatDoge(actual)} DOGE, but deposits - withdrawals - spent + earned = ${formatDoge(expected)}`,
      );
  }
  return { name: 'per-user balance equation', examined: snapshots.length, violations };
}

export function exactlyOnce(market: Market, snapshots: readonly Snapshot[]): CheckResult {
  const violations: string[] = [];
  let examined = 0;
  const auctionOrders = new Map<string, number>();
  for (const { user, bought, withdrawals } of snapshots) {
    const record = market.records.get(user.userId)!;
    const accepted = new Set(record.acceptedOrders.values());
    for (const orderId of accepted) {
      examined++;
      const found = bought.filter((order) => order.id === orderId).length;
      if (found !== 1) violations.push(`${user.name}: accepted order ${orderId} exists ${found} times`);
    }
    // A buy the wallet refused leaves its order PAYMENT_FAILED (the answer named it): once, and so.
    const refused = new Set(record.refusedOrders.values());
    for (const orderId of refused) {
      examined++;
      const found = bought.filter((order) => order.id === orderId);
      if (found.length !== 1 || found[0]!.status !== 'PAYMENT_FAILED')
        violations.push(
          `${user.name}: refused buy's order ${orderId} exists ${found.length} times (${found.map((order) => order.status).join(', ')}), expected once PAYMENT_FAILED`,
        );
    }
    for (const order of bought) {
      if (order.auctionId !== null)
        auctionOrders.set(order.auctionId, (auctionOrders.get(order.auctionId) ?? 0) + 1);
      else if (!accepted.has(order.id) && !refused.has(order.id))
        violations.push(`${user.name}: order ${order.id} exists but no buy request was accepted for it`);
    }
    const acceptedWithdrawals = new Set(record.withdrawals.map((each) => each.withdrawalId));
    for (const withdrawalId of acceptedWithdrawals) {
      examined++;
      const found = withdrawals.filter((each) => each.withdrawalId === withdrawalId).length;
      if (found !== 1)
        violations.push(`${user.name}: accepted withdrawal ${withdrawalId} exists ${found} times`);
    }
    for (const withdrawal of withdrawals)
      if (!acceptedWithdrawals.has(withdrawal.withdrawalId))
        violations.push(`${user.name}: withdrawal ${withdrawal.withdrawalId} exists but was never accepted`);
  }
  for (const [auctionId, count] of auctionOrders)
    if (count > 1) violations.push(`auction ${auctionId} has ${count} orders`);
  return { name: 'accepted requests exist exactly once', examined, violations };
}

export function nothingStuck(snapshots: readonly Snapshot[]): CheckResult {
  const violations: string[] = [];
  let examined = 0;
  for (const { user, bought, withdrawals } of snapshots) {
    for (const withdrawal of withdrawals) {
      examined++;
      if (withdrawal.status !== 'FINALIZED' && withdrawal.status !== 'FAILED')
        violations.push(`${user.name}: withdrawal ${withdrawal.withdrawalId} still ${withdrawal.status}`);
    }
    for (const order of bought) {
      examined++;
      if (order.status === 'PENDING_PAYMENT')
        violations.push(`${user.name}: order ${order.id} still waits for its payment's answer`);
    }
  }
  return { name: 'no saga stuck', examined, violations };
}

/** Each withdrawal went to its own fresh address: count the outputs paying it since the soak began. */
export async function paidOnceOnChain(
  market: Market,
  snapshots: readonly Snapshot[],
  chain: RegtestControl,
  fromHeight: number,
): Promise<CheckResult> {
  const paid = new Map<string, bigint[]>();
  const tip = await chain.rpc<number>('getblockcount');
  for (let height = fromHeight + 1; height <= tip; height++) {
    const hash = await chain.rpc<string>('getblockhash', [height]);
    const block = Block.fromHex(await chain.rpc<string>('getblock', [hash, false]));
    for (const tx of block.transactions ?? [])
      for (const out of tx.outs) {
        const script = Buffer.from(out.script).toString('hex');
        paid.set(script, [...(paid.get(script) ?? []), out.value]);
      }
  }
  const violations: string[] = [];
  let examined = 0;
  for (const { user, withdrawals } of snapshots) {
    const record = market.records.get(user.userId)!;
    for (const accepted of record.withdrawals) {
      examined++;
      const status = withdrawals.find((each) => each.withdrawalId === accepted.withdrawalId)?.status;
      const script = Buffer.from(outputScriptForAddress(accepted.destination, regtest)).toString('hex');
      const outputs = paid.get(script) ?? [];
      if (status === 'FINALIZED' && (outputs.length !== 1 || outputs[0] !== accepted.amountKoinu))
        violations.push(
          `${user.name}: finalized withdrawal ${accepted.withdrawalId} paid ${outputs.length} outputs (${outputs.map(formatDoge).join(', ')}) on chain`,
        );
      if (status === 'FAILED' && outputs.length > 0)
        violations.push(`${user.name}: failed withdrawal ${accepted.withdrawalId} was paid on chain anyway`);
    }
  }
  return { name: 'withdrawals paid once on chain', examined, violations };
}

/** A finding as the reconciler stored it (reconciler.findings). */
export interface StoredFinding {
  check: string;
  subjectType: string;
  subjectId: string;
  expected: string;
  actual: string;
  detail: string;
}

export interface Reconciliation {
  /** The reconciler's run (reconciler.runs), when it got as far as reporting. */
  runId?: string;
  /** Every finding of the run, read from the reconciler's table (its printed report holds the first 50). */
  findings: StoredFinding[];
  /** Set when the run itself failed (exit 1, or no report). */
  failure?: string;
}

/**
 * One run of the reconciler on the stack (`npm run reconcile`), with `env` on top of the stack's
 * settings, and every finding it stored.
 */
export async function reconcileNow(env: Record<string, string> = {}): Promise<Reconciliation> {
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [path.join(REPO_ROOT, 'services/reconciler/bin-reconcile.sh')], {
      cwd: REPO_ROOT,
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...env },
    }));
  } catch (error) {
    // Exit 2 is "discrepancies found": a report all the same.
    const code = (error as { code?: unknown }).code;
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (code !== 2) return { findings: [], failure: `the reconciler failed: ${String(error).slice(0, 500)}` };
  }
  const runId = runIdOf(stdout);
  if (runId === undefined) return { findings: [], failure: 'the reconciler printed no report' };
  return storedReconciliation(runId);
}

/** The findings an earlier run of the reconciler stored (reconciler.findings). */
export async function storedReconciliation(runId: string): Promise<Reconciliation> {
  const client = new pg.Client({ connectionString: stackEndpoints().services.reconciler.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StoredFinding>(
      `SELECT check_name AS "check", subject_type AS "subjectType", subject_id AS "subjectId",
              expected, actual, detail
         FROM reconciler.findings WHERE run_id = $1 ORDER BY seq`,
      [runId],
    );
    return { runId, findings: rows };
  } finally {
    await client.end();
  }
}

const findingKey = (finding: StoredFinding): string =>
  `${finding.check}|${finding.subjectType}|${finding.subjectId}`;

/** How many findings each check reported. */
export function findingsByCheck(findings: readonly StoredFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.check] = (counts[finding.check] ?? 0) + 1;
  return counts;
}

/**
 * The reconciler after the soak: no finding that was not already there before. "Before" is the
 * reconciler run the soak made as it started, or, in `npm test`, the one made before the integration
 * tier (`--books-before`): then the check also judges everything the suite left, which must be clean
 * (tests that stand in for another service run against sandboxed services, never the stack's books;
 * issue 16, docs/reliability.md). A stack used by hand before may carry findings of its own: they are
 * reported beside the check, not counted. The "before" run has no grace period, so that work in flight
 * then cannot turn into a finding blamed on what came after; everything else the reconciler finds, on
 * any subject and in every global check (zero-sum, platform accounts, the chain), is a violation.
 */
export async function reconcilerClean(before: Reconciliation): Promise<CheckResult> {
  const after = await reconcileNow();
  const known = new Set(before.findings.map(findingKey));
  const violations = after.findings
    .filter((finding) => !known.has(findingKey(finding)))
    .map((finding) => JSON.stringify(finding));
  if (after.failure !== undefined) violations.push(after.failure);
  return { name: 'reconciler clean', examined: after.findings.length + 1, violations };
}

/** The run id soak/books-before.ts wrote to `file`. */
export function readBooksBefore(file: string): string {
  const { runId } = JSON.parse(readFileSync(file, 'utf8')) as { runId?: unknown };
  if (typeof runId !== 'string') throw new Error(`${file} names no reconciler run`);
  return runId;
}

/** The reconciler prints one JSON report (pretty) between its log lines; its run id. */
function runIdOf(stdout: string): string | undefined {
  const start = stdout.indexOf('{\n');
  const end = stdout.indexOf('\n}', start);
  if (start < 0 || end < 0) return undefined;
  const report = JSON.parse(stdout.slice(start, end + 2)) as { runId?: string };
  return report.runId;
}
