// Proves proof of reserves on the real stack: two users deposit, a snapshot is taken with
// `npm run reserves:snapshot`, each user fetches the published root and their own inclusion proof from
// the reconciler's API with their user token, both proofs verify against that root (in code and with
// `npm run reserves:verify`, which also fails a tampered proof), each proof carries exactly the user's
// balance, the total equals the ledger's liabilities (available + locked + pending of every user), the
// deposits appear among the platform's coins with their addresses, and the API refuses a caller without
// a token and a user who had no wallet at the snapshot.
// Needs the reconciler restarted on this branch (migration 20261126000000, the /v1/reserves routes and
// its stack.env.sh hook with the user-token key).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { koinuFromDecimalColumn } from '@dbay/money';
import { proofFromJson, rootFromJson, verifyProof, type ProofJson } from '@dbay/proof-of-reserves';
import { REPO_ROOT, stackEndpoints, waitFor } from '@dbay/testing';
import { balanceOf, chainControl, newWalletUser, type WalletUser } from './deposit-support.js';
import { reservesCall, takeSnapshot, type LatestSnapshot, type SnapshotSummary } from './reserves-support.js';

const run = promisify(execFile);

/** The ledger's liabilities to users, as the wallet's own table says, in koinu. */
async function ledgerLiabilitiesKoinu(db: Knex): Promise<bigint> {
  const row = await db('wallet.wallet_balances').first<{ total: string }>(
    db.raw('COALESCE(SUM(available + locked + pending), 0)::text AS total'),
  );
  return koinuFromDecimalColumn(row.total);
}

async function verifyWithScript(
  proof: ProofJson,
  root: LatestSnapshot['root'],
): Promise<{ code: number; out: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'reserves-')), 'proof.json');
  writeFileSync(file, JSON.stringify(proof));
  try {
    const { stdout } = await run(
      'npm',
      [
        'run',
        '-s',
        'reserves:verify',
        '--',
        '--proof',
        file,
        '--root',
        root.hashHex,
        '--total',
        root.sumKoinu,
      ],
      { cwd: REPO_ROOT, timeout: 60_000 },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, out: failed.stdout ?? '' };
  }
}

describe('proof of reserves (e2e)', function () {
  this.timeout(300_000);
  let db: Knex;

  before(() => {
    db = knexFactory({
      client: 'pg',
      connection: stackEndpoints().databaseAdminUrl,
      pool: { min: 0, max: 2 },
    });
  });
  after(async () => {
    await db.destroy();
  });

  it('lets every user verify their balance against the published root, whose total is the ledger’s liabilities', async () => {
    const control = chainControl();
    const users: Array<WalletUser & { amount: string; koinu: bigint }> = [
      { ...(await newWalletUser()), amount: '12.50000000', koinu: 1_250_000_000n },
      { ...(await newWalletUser()), amount: '3.25000001', koinu: 325_000_001n },
    ];
    const { txid } = await control.fund(
      users.map((user) => ({ address: user.address, amount: user.amount })),
    );
    await control.mine(6);
    for (const user of users) {
      await waitFor(async () => (await balanceOf(user.userId)).available === user.amount, {
        timeoutMs: 90_000,
        description: `the deposit of ${user.amount} credited to ${user.userId}`,
      });
    }
    // The saga takes the deposits into the hot wallet on the same event; the snapshot lists those coins.
    await waitFor(
      async () =>
        (await db('withdrawal_saga.coins').where({ txid }).count<{ count: string }[]>({ count: '*' }))[0]!
          .count === String(users.length),
      { timeoutMs: 60_000, description: 'the deposits in the hot wallet' },
    );

    // The stack is quiet here, but a late event from an earlier spec could still move a balance: take the
    // snapshot again until the ledger did not move around it.
    let summary: SnapshotSummary | undefined;
    let liabilitiesKoinu = -1n;
    for (let attempt = 0; attempt < 5 && summary === undefined; attempt++) {
      const before = await ledgerLiabilitiesKoinu(db);
      const taken = await takeSnapshot();
      if ((await ledgerLiabilitiesKoinu(db)) === before) {
        summary = taken;
        liabilitiesKoinu = before;
      }
    }
    expect(summary, 'a snapshot while the ledger stood still').to.not.equal(undefined);
    expect(BigInt(summary!.totalKoinu)).to.equal(liabilitiesKoinu);
    expect(summary!.covered).to.equal(
      BigInt(summary!.chainKoinu) >= BigInt(summary!.totalKoinu) - BigInt(summary!.inFlightKoinu),
    );

    const latest = await reservesCall<LatestSnapshot>('/latest', users[0]!.userId);
    expect(latest.status).to.equal(200);
    expect(latest.body.snapshotId).to.equal(summary!.snapshotId);
    expect(latest.body.root).to.deep.equal({ hashHex: summary!.rootHash, sumKoinu: summary!.totalKoinu });
    expect(BigInt(latest.body.root.sumKoinu)).to.equal(liabilitiesKoinu);
    const published = rootFromJson(latest.body.root);
    for (const user of users) {
      const coin = latest.body.coins.find((c) => c.txid === txid && c.address === user.address);
      expect(coin, `the deposit to ${user.address} among the platform's coins`).to.include({
        amountKoinu: user.koinu.toString(),
      });
    }

    for (const user of users) {
      const { status, body } = await reservesCall<ProofJson>('/latest/proof', user.userId);
      expect(status, JSON.stringify(body)).to.equal(200);
      expect(body.userId).to.equal(user.userId);
      expect(body.snapshotId).to.equal(summary!.snapshotId);
      expect(body.balanceKoinu).to.equal(user.koinu.toString());
      expect(verifyProof(proofFromJson(body), published)).to.deep.equal({ ok: true });

      const script = await verifyWithScript(body, latest.body.root);
      expect(script.code, script.out).to.equal(0);
      expect(script.out).to.match(/^OK: /);
      const tampered = await verifyWithScript(
        { ...body, balanceKoinu: (user.koinu + 1n).toString() },
        latest.body.root,
      );
      expect(tampered.code).to.equal(1);
      expect(tampered.out).to.match(/^FAIL: /);
    }

    const anonymous = await reservesCall<{ error: { code: string } }>('/latest/proof', null);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.error.code).to.equal('AUTH_TOKEN_MISSING');
    const stranger = await reservesCall<{ error: { code: string } }>('/latest/proof', randomUUID());
    expect(stranger.status).to.equal(404);
    expect(stranger.body.error.code).to.equal('RESERVES_USER_NOT_IN_SNAPSHOT');
  });
});
