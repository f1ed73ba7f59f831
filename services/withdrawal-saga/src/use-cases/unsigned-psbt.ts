/**
 * What every batch that spends hot-wallet coins (withdrawals, fee bumps, sweeps) builds the same way:
 * the unsigned PSBT, each input with its full previous transaction from the saga's store, and the
 * batch's record of its inputs.
 */
import type { Knex } from 'knex';
import type { Network } from 'bitcoinjs-lib';
import type { BatchInput } from '../domain/batch.js';
import { previousTransactions } from '../adapters/db/coins.js';
import { buildUnsignedPsbt, type PsbtOutput } from '../adapters/psbt.js';

interface SpendableCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  derivationPath: string;
}

/** The unsigned PSBT spending `coins` (in order) into `outputs`; a coin without its previous transaction is a bug. */
export async function unsignedPsbtSpending(
  trx: Knex.Transaction,
  coins: readonly SpendableCoin[],
  outputs: readonly PsbtOutput[],
  network: Network,
): Promise<string> {
  const previous = await previousTransactions(
    trx,
    coins.map((coin) => coin.txid),
  );
  return buildUnsignedPsbt(
    coins.map((coin) => {
      const previousTransactionHex = previous.get(coin.txid);
      if (!previousTransactionHex)
        throw new Error(`previous transaction ${coin.txid} of a hot-wallet coin is missing`);
      return { txid: coin.txid, vout: coin.vout, previousTransactionHex };
    }),
    outputs,
    network,
  );
}

/** The batch's record of the coins it spends. */
export function batchInputsOf(coins: readonly SpendableCoin[]): BatchInput[] {
  return coins.map((coin) => ({
    txid: coin.txid,
    vout: coin.vout,
    amountKoinu: coin.amountKoinu,
    derivationPath: coin.derivationPath,
  }));
}
