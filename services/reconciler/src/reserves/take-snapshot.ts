/**
 * One proof-of-reserves snapshot (docs/reserves.md): read every user's liability from the wallet's
 * book in one consistent read, build the Merkle-sum tree with a fresh salt secret, list the platform's
 * coins as the node sees them (each hot-wallet coin the saga holds, asked of the node with gettxout:
 * value, confirmations and address from the node's own answer), compare the coins with the total, and
 * store it all, recording a `reserves-cover-liabilities` finding when the coins fall short. The
 * snapshot has its own `runs` row, so its findings sit with the reconciler's other findings.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { TxOut } from '@dbay/chain-rpc';
import { encodeAddress, networkByName, p2pkhHashOfScript, type NetworkName } from '@dbay/dogecoin';
import { buildTree, SALT_BYTES } from '@dbay/proof-of-reserves';
import { checkReservesCoverage, reservesCovered } from '../domain/checks/reserves-cover-liabilities.js';
import { FindingSink } from '../adapters/finding-sink.js';
import {
  insertSnapshot,
  readLiabilities,
  type ReserveCoin,
  type SnapshotHeader,
} from '../adapters/reserves-store.js';
import type { CrossServiceReads } from '../ports.js';
import { CHAIN_CONCURRENCY, forEachAtMost } from '../reconcile.js';

/** The node, as the snapshot asks it: one unspent output with its script. */
export interface ReservesChain {
  getTxOut(txid: string, vout: number, includeMempool?: boolean): Promise<TxOut | null>;
}

export interface SnapshotDeps {
  knex: Knex;
  walletSchema: string;
  crossService: CrossServiceReads;
  chain: ReservesChain;
  network: NetworkName;
  logger: Logger;
}

export type SnapshotSummary = Omit<
  SnapshotHeader,
  'createdAt' | 'totalKoinu' | 'chainKoinu' | 'inFlightKoinu'
> & {
  createdAt: string;
  totalKoinu: string;
  chainKoinu: string;
  inFlightKoinu: string;
  coins: number;
};

async function platformCoins(deps: SnapshotDeps): Promise<ReserveCoin[]> {
  const network = networkByName(deps.network);
  const coins: ReserveCoin[] = [];
  const ask = async (txid: string, vout: number): Promise<void> => {
    // In the mempool too: a coin a broadcast transaction spends no longer backs anyone's balance.
    const out = await deps.chain.getTxOut(txid, vout, true);
    if (out === null) return;
    const hash = p2pkhHashOfScript(Buffer.from(out.scriptPubKeyHex, 'hex'));
    coins.push({
      txid,
      vout,
      address: hash === undefined ? null : encodeAddress('p2pkh', hash, network),
      amountKoinu: out.valueKoinu,
      confirmations: out.confirmations,
    });
  };
  // The hot wallet's coins, then the cold account's: both back the users' balances.
  await forEachAtMost(CHAIN_CONCURRENCY, deps.crossService.unspentCoins(), (coin) =>
    ask(coin.txid, coin.vout),
  );
  await forEachAtMost(CHAIN_CONCURRENCY, deps.crossService.coldCoins(), (coin) => ask(coin.txid, coin.vout));
  return coins.sort((left, right) => left.txid.localeCompare(right.txid) || left.vout - right.vout);
}

export async function takeReservesSnapshot(deps: SnapshotDeps): Promise<SnapshotSummary> {
  const { knex, logger } = deps;
  const snapshotId = randomUUID();
  const runId = randomUUID();
  const createdAt = new Date();
  await knex('runs').insert({ run_id: runId, started_at: createdAt, status: 'RUNNING' });
  try {
    const { liabilities, ledgerTotalKoinu } = await readLiabilities(knex, deps.walletSchema);
    const saltSecret = randomBytes(SALT_BYTES);
    const tree = buildTree(liabilities, saltSecret, snapshotId);
    // The tree's total is the ledger's liabilities, or the snapshot is worthless: stop loudly.
    if (tree.root.sumKoinu !== ledgerTotalKoinu)
      throw new Error(
        `reserves tree total ${tree.root.sumKoinu} differs from the ledger's ${ledgerTotalKoinu}`,
      );
    const coins = await platformCoins(deps);
    const chainKoinu = coins.reduce((total, coin) => total + coin.amountKoinu, 0n);
    const inFlightKoinu = await deps.crossService.inFlightWithdrawalsKoinu();
    const comparison = { snapshotId, liabilitiesKoinu: tree.root.sumKoinu, chainKoinu, inFlightKoinu };
    const header: SnapshotHeader = {
      snapshotId,
      createdAt,
      runId,
      rootHash: tree.root.hash.toString('hex'),
      totalKoinu: tree.root.sumKoinu,
      users: liabilities.length,
      chainKoinu,
      inFlightKoinu,
      covered: reservesCovered(comparison),
    };
    await insertSnapshot(knex, { ...header, saltSecret }, liabilities, coins);
    const findings = checkReservesCoverage(comparison);
    const sink = new FindingSink(knex, runId);
    for (const found of findings) {
      logger.warn({ finding: found }, 'Reserves do not cover the published liabilities');
      await sink.add(found);
    }
    await sink.flush();
    const summary: SnapshotSummary = {
      ...header,
      createdAt: createdAt.toISOString(),
      totalKoinu: header.totalKoinu.toString(),
      chainKoinu: chainKoinu.toString(),
      inFlightKoinu: inFlightKoinu.toString(),
      coins: coins.length,
    };
    await knex('runs')
      .where({ run_id: runId })
      .update({
        finished_at: new Date(),
        status: findings.length === 0 ? 'CLEAN' : 'DISCREPANCIES',
        findings: findings.length,
        report: JSON.stringify({ kind: 'reserves-snapshot', ...summary, findings }),
      });
    logger.info(
      { snapshotId, users: summary.users, covered: summary.covered },
      'Reserves snapshot published',
    );
    return summary;
  } catch (error) {
    await knex('runs').where({ run_id: runId }).update({ finished_at: new Date(), status: 'FAILED' });
    throw error;
  }
}
