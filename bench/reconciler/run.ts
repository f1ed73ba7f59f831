/**
 * `npm run bench:reconciler`: seconds and peak memory of a reconciliation per million ledger entries.
 *
 * It builds a throwaway database with the services' real migrations and grows a clean book in steps
 * (BENCH_SIZES, ledger entries; default 250k, 1M, 4M): users with five confirmed deposits each, every
 * deposit one two-entry ledger transaction (the user's AVAILABLE credit, CHAIN_CLEARING's debit) and one
 * row in the deposit watcher's table. After each step it runs, each in a fresh process:
 *   - streaming: the reconciler's own checks (all the database ones; the chain ones need no ledger),
 *   - naive:     the baseline that loads every entry and balance into memory and sums them in JS
 *                (one rule only, so it does far less work than the streaming run).
 * and prints seconds, seconds per million entries and peak RSS for both, side by side, with the machine's
 * CPU count and load average (a shared two-core machine's load moves the seconds). Linear cost shows as a
 * flat seconds-per-million column; bounded memory as a flat streaming RSS while the baseline grows.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@dbay/testing';
import { ThrowawayBook } from '../../services/reconciler/test/support/book.js';
import { loadAverage, machineLine } from '../support/machine.js';

const run = promisify(execFile);
const DEPOSITS_PER_USER = 5;
const ENTRIES_PER_DEPOSIT = 2;
const sizes = (process.env.BENCH_SIZES ?? '250000,1000000,4000000')
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => Number.isInteger(size) && size > 0)
  .map((size) => size - (size % (DEPOSITS_PER_USER * ENTRIES_PER_DEPOSIT)))
  .sort((a, b) => a - b);

/** Adds deposits (from, to] of the generated book: users, addresses, deposits, entries and balances. */
async function grow(db: ThrowawayBook, fromDeposit: number, toDeposit: number): Promise<void> {
  const k = DEPOSITS_PER_USER;
  const firstUser = fromDeposit / k + 1;
  const lastUser = toDeposit / k;
  const user = (u: string) => `md5('bench-user-' || ${u})::uuid`;
  const txid = (t: string) => `md5('tx-a-' || ${t}) || md5('tx-b-' || ${t})`;
  const address = (u: string) => `'bench-address-' || ${u}`;
  await db.admin.raw(
    `INSERT INTO wallet.wallet_balances (user_id, available) SELECT ${user('u')}, ${k} FROM generate_series(?::bigint, ?::bigint) u`,
    [firstUser, lastUser],
  );
  await db.admin.raw(
    `INSERT INTO deposit_watcher.watched_addresses (address, pubkey_hash, user_id, derivation_path, address_index, assigned_at, assigned_event_id)
     SELECT ${address('u')}, left(md5('pkh-' || u), 40), ${user('u')}::text, 'm/44''/3''/0''/0/' || u, u, now() - interval '1 day', md5('evt-' || u)::uuid
     FROM generate_series(?::bigint, ?::bigint) u`,
    [firstUser, lastUser],
  );
  const userOf = `((t - 1) / ${k} + 1)`;
  await db.admin.raw(
    `INSERT INTO deposit_watcher.deposits (txid, vout, user_id, address, derivation_path, amount_koinu, status, block_hash, block_height,
       confirmations, raw_transaction_hex, correlation_id, detected_at, confirmed_at, updated_at)
     SELECT ${txid('t')}, 0, ${user(userOf)}::text, ${address(userOf)}, 'm/44''/3''/0''/0/' || ${userOf}, 100000000, 'confirmed',
            md5('block-a') || md5('block-b'), 1, 6, '00', md5('corr-' || t)::uuid, now() - interval '1 day', now() - interval '1 day', now()
     FROM generate_series(?::bigint, ?::bigint) t`,
    [fromDeposit + 1, toDeposit],
  );
  // Entries in deposit order, so seq follows each account's history (balance_after continuity holds).
  await db.admin.raw(
    `INSERT INTO wallet.ledger_entries (transaction_id, user_id, platform_account, bucket, entry_type, debit, credit, balance_after,
       reference_type, reference_id, idempotency_key)
     SELECT md5('ltx-' || t)::uuid, CASE WHEN side = 0 THEN ${user(userOf)} END, CASE WHEN side = 1 THEN 'CHAIN_CLEARING' END,
            CASE WHEN side = 0 THEN 'AVAILABLE' ELSE 'PLATFORM' END, 'DEPOSIT',
            CASE WHEN side = 1 THEN 1 ELSE 0 END, CASE WHEN side = 0 THEN 1 ELSE 0 END,
            CASE WHEN side = 0 THEN t - (${userOf} - 1) * ${k} ELSE -t END,
            'tx', ${txid('t')} || ':0', 'bench-' || t || '-' || side
     FROM generate_series(?::bigint, ?::bigint) t CROSS JOIN (VALUES (0), (1)) sides(side)
     ORDER BY t, side`,
    [fromDeposit + 1, toDeposit],
  );
  await db.admin.raw(`UPDATE wallet.platform_accounts SET balance = ? WHERE code = 'CHAIN_CLEARING'`, [
    -toDeposit,
  ]);
  await db.admin.raw('ANALYZE');
}

interface Measured {
  mode: string;
  seconds: number;
  maxRssMb: number;
  findings: number;
  checks: Array<{ check: string; seconds: number }>;
}

async function measure(db: ThrowawayBook, mode: 'streaming' | 'naive'): Promise<Measured> {
  const child = path.join(REPO_ROOT, 'bench/reconciler/child.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, mode, db.reconcilerUrl], {
    cwd: REPO_ROOT,
    maxBuffer: 1 << 20,
    timeout: 30 * 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured;
}

const db = await ThrowawayBook.create();
try {
  console.log(`${machineLine('bench:reconciler')}  database ${db.name}`);
  console.log(
    'entries    | streaming s  s/1M   peak MB findings | naive (baseline) s  s/1M   peak MB | load average after',
  );
  let deposits = 0;
  let last: Measured | undefined;
  for (const size of sizes) {
    const target = size / ENTRIES_PER_DEPOSIT;
    const generating = Date.now();
    await grow(db, deposits, target);
    deposits = target;
    const generated = ((Date.now() - generating) / 1000).toFixed(1);
    const streaming = await measure(db, 'streaming');
    const naive = await measure(db, 'naive');
    const perMillion = (seconds: number) => ((seconds * 1_000_000) / size).toFixed(2).padStart(6);
    console.log(
      `${String(size).padEnd(10)} | ${streaming.seconds.toFixed(2).padStart(11)} ${perMillion(streaming.seconds)} ${String(streaming.maxRssMb).padStart(9)} ${String(streaming.findings).padStart(8)} | ` +
        `${naive.seconds.toFixed(2).padStart(18)} ${perMillion(naive.seconds)} ${String(naive.maxRssMb).padStart(9)} | ` +
        `${loadAverage()}   (generated in ${generated}s)`,
    );
    last = streaming;
    if (streaming.findings !== 0)
      throw new Error(
        `the generated book should be clean; the reconciler found ${streaming.findings} discrepancies`,
      );
  }
  if (last) {
    console.log(
      `streaming run at ${sizes.at(-1)} entries, seconds per check (checks timed together share their time):`,
    );
    for (const { check, seconds } of last.checks) console.log(`  ${check.padEnd(28)} ${seconds.toFixed(2)}`);
  }
} finally {
  if (process.env.BENCH_KEEP_DB === '1') console.log(`kept database ${db.name} (BENCH_KEEP_DB=1)`);
  else await db.drop();
}
