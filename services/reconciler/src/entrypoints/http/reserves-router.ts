/**
 * The users' proof-of-reserves API (user tokens, the platform's TokenVerifier): the latest snapshot's
 * root, total, coins and their comparison, and the caller's own inclusion proof. A user can only ever
 * get their own proof (the user id comes from the token, never from the request). Errors map to
 * statuses in one table.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { HttpError, principalOf } from '@dbay/platform';
import { buildTree, proofFor, proofToJson, type SumTree } from '@dbay/proof-of-reserves';
import {
  latestSnapshot,
  snapshotCoins,
  snapshotLiabilities,
  type StoredSnapshot,
} from '../../adapters/reserves-store.js';

/** The platform's token problems, in this API's words (as the wallet's user API names them). */
export const RESERVES_TOKEN_CODES = {
  UNAUTHENTICATED: 'AUTH_TOKEN_MISSING',
  EXPIRED: 'AUTH_TOKEN_EXPIRED',
  INVALID: 'AUTH_TOKEN_INVALID',
  FORBIDDEN: 'AUTH_FORBIDDEN',
} as const;

type ReservesErrorCode = 'RESERVES_NO_SNAPSHOT' | 'RESERVES_USER_NOT_IN_SNAPSHOT';

const ERROR_STATUS: Record<ReservesErrorCode, number> = {
  RESERVES_NO_SNAPSHOT: 404,
  RESERVES_USER_NOT_IN_SNAPSHOT: 404,
};

function refuse(code: ReservesErrorCode, message: string): never {
  throw new HttpError(ERROR_STATUS[code], code, message);
}

/**
 * The latest snapshot's tree, rebuilt from its stored leaves once and kept while it is the latest. The
 * rebuilt root must be the published one: anything else is corruption, stopped loudly.
 */
class TreeCache {
  private cached: { snapshotId: string; tree: SumTree } | undefined;

  constructor(private readonly knex: Knex) {}

  async treeOf(snapshot: StoredSnapshot): Promise<SumTree> {
    if (this.cached?.snapshotId === snapshot.snapshotId) return this.cached.tree;
    const liabilities = await snapshotLiabilities(this.knex, snapshot.snapshotId);
    const tree = buildTree(liabilities, snapshot.saltSecret, snapshot.snapshotId);
    if (tree.root.hash.toString('hex') !== snapshot.rootHash || tree.root.sumKoinu !== snapshot.totalKoinu)
      throw new Error(`reserves snapshot ${snapshot.snapshotId} does not rebuild to its published root`);
    this.cached = { snapshotId: snapshot.snapshotId, tree };
    return tree;
  }
}

async function requireLatest(knex: Knex): Promise<StoredSnapshot> {
  return (
    (await latestSnapshot(knex)) ??
    refuse('RESERVES_NO_SNAPSHOT', 'no reserves snapshot has been published yet')
  );
}

export function reservesRouter(knex: Knex): Router {
  const router = Router();
  const trees = new TreeCache(knex);

  router.get('/v1/reserves/latest', async (_req, res) => {
    const snapshot = await requireLatest(knex);
    const coins = await snapshotCoins(knex, snapshot.snapshotId);
    res.json({
      snapshotId: snapshot.snapshotId,
      createdAt: snapshot.createdAt.toISOString(),
      root: { hashHex: snapshot.rootHash, sumKoinu: snapshot.totalKoinu.toString() },
      users: snapshot.users,
      chain: {
        coinsKoinu: snapshot.chainKoinu.toString(),
        inFlightWithdrawalsKoinu: snapshot.inFlightKoinu.toString(),
        covered: snapshot.covered,
      },
      coins: coins.map((coin) => ({
        txid: coin.txid,
        vout: coin.vout,
        address: coin.address,
        amountKoinu: coin.amountKoinu.toString(),
        confirmations: coin.confirmations,
      })),
    });
  });

  router.get('/v1/reserves/latest/proof', async (_req, res) => {
    const principal = principalOf(res);
    if (principal.kind !== 'user') throw new Error('the reserves proof route admitted a non-user token');
    const snapshot = await requireLatest(knex);
    const tree = await trees.treeOf(snapshot);
    const proof =
      proofFor(tree, principal.userId, snapshot.saltSecret) ??
      refuse(
        'RESERVES_USER_NOT_IN_SNAPSHOT',
        `you had no wallet when snapshot ${snapshot.snapshotId} was taken; the next one will include you`,
      );
    res.json(proofToJson(proof));
  });

  return router;
}
