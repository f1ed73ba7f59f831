/**
 * One measured reconciliation over a generated book, in a process of its own so its peak memory is its
 * own: `streaming` is the reconciler's real code path (set-based statements, cursors); `naive` is the
 * baseline a first version would write, loading every ledger entry and balance into memory to sum them.
 * Prints one JSON line: { mode, seconds, maxRssMb, findings, checks (streaming: seconds per check) }.
 */
import knexFactory from 'knex';
import { pino } from 'pino';
import { koinuFromDecimalColumn } from '@dbay/money';
import { reconcile } from '../../services/reconciler/src/reconcile.js';
import { createSources } from '../../services/reconciler/src/adapters/sources.js';
import { FindingSink } from '../../services/reconciler/src/adapters/finding-sink.js';

const [mode, databaseUrl] = process.argv.slice(2);
if ((mode !== 'streaming' && mode !== 'naive') || !databaseUrl)
  throw new Error('usage: child.ts streaming|naive DATABASE_URL');
const knex = knexFactory({
  client: 'pg',
  connection: databaseUrl,
  searchPath: ['reconciler'],
  pool: { min: 0, max: 4 },
});
const schemas = {
  wallet: 'wallet',
  depositWatcher: 'deposit_watcher',
  withdrawalSaga: 'withdrawal_saga',
  order: 'order',
};
const started = process.hrtime.bigint();
let findings: number;
let checks: Array<{ check: string; seconds: number }> = [];

if (mode === 'streaming') {
  const report = await reconcile({
    runId: '00000000-0000-4000-8000-000000000000',
    sources: createSources(knex, schemas),
    chain: null,
    sink: new FindingSink(knex, '00000000-0000-4000-8000-000000000000'),
    logger: pino({ level: 'silent' }),
    graceSeconds: 0,
  });
  findings = report.totals.findings;
  checks = report.checks.map(({ check, seconds }) => ({ check, seconds }));
} else {
  // The baseline: everything in memory, then the per-user rule.
  type Entry = { user_id: string; debit: string; credit: string };
  type Balance = { user_id: string; available: string; locked: string; pending: string };
  const entries = (
    await knex.raw<{ rows: Entry[] }>(
      'SELECT user_id, debit, credit FROM wallet.ledger_entries WHERE user_id IS NOT NULL',
    )
  ).rows;
  const balances = (
    await knex.raw<{ rows: Balance[] }>(
      'SELECT user_id, available, locked, pending FROM wallet.wallet_balances',
    )
  ).rows;
  const nets = new Map<string, bigint>();
  for (const entry of entries) {
    nets.set(
      entry.user_id,
      (nets.get(entry.user_id) ?? 0n) +
        koinuFromDecimalColumn(entry.credit) -
        koinuFromDecimalColumn(entry.debit),
    );
  }
  findings = 0;
  for (const balance of balances) {
    const total =
      koinuFromDecimalColumn(balance.available) +
      koinuFromDecimalColumn(balance.locked) +
      koinuFromDecimalColumn(balance.pending);
    if ((nets.get(balance.user_id) ?? 0n) !== total) findings += 1;
  }
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await knex.destroy();
// resourceUsage().maxRSS is in kilobytes.
console.log(
  JSON.stringify({
    mode,
    seconds,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    findings,
    checks,
  }),
);
