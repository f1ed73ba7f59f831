/**
 * Moves between the platform's own holdings: the hot wallet (CHAIN_CLEARING) and the cold account
 * (COLD_STORAGE). The saga reports them once they are REQUIRED_CONFIRMATIONS deep (hot-wallet.swept,
 * hot-wallet.refilled); no user's money moves, only the split of custody between the two accounts, so
 * hot + cold stays what users are owed. A sweep's miner fee is the platform's cost, like a withdrawal's
 * real miner fee: NETWORK_FEES pays it to CHAIN_CLEARING. Each is booked once: the Kafka entry point
 * keys a sweep by its txid and a refill by its output, so a second event for the same transfer is a
 * replay of the first.
 */
import type { RecordRefill, RecordSweep } from './commands.js';
import { reject, type Decision } from './decision.js';
import { platformPosting, type Posting } from './postings.js';
import type { Book } from './types.js';
import type { ColdTransferView } from './views.js';

function booked(reference: string, postings: Posting[], transfer: ColdTransferView): Decision {
  return {
    ok: true,
    postings,
    reference: { type: 'tx', id: reference },
    changes: [],
    events: [],
    result: { kind: 'coldTransfer', transfer },
  };
}

export function decideRecordSweep(_book: Book, command: RecordSweep): Decision {
  if (command.sweptKoinu <= 0n) return reject('WALLET_AMOUNT_INVALID', 'sweptKoinu must be positive');
  if (command.minerFeeKoinu < 0n)
    return reject('WALLET_AMOUNT_INVALID', 'minerFeeKoinu must not be negative');
  const postings = [
    platformPosting('CHAIN_CLEARING', command.sweptKoinu, 'SWEEP'),
    platformPosting('COLD_STORAGE', -command.sweptKoinu, 'SWEEP'),
  ];
  if (command.minerFeeKoinu > 0n)
    postings.push(
      platformPosting('NETWORK_FEES', -command.minerFeeKoinu, 'MINER_FEE'),
      platformPosting('CHAIN_CLEARING', command.minerFeeKoinu, 'MINER_FEE'),
    );
  return booked(command.txid, postings, {
    direction: 'SWEEP',
    txid: command.txid,
    vout: null,
    amountKoinu: command.sweptKoinu.toString(),
    minerFeeKoinu: command.minerFeeKoinu.toString(),
  });
}

export function decideRecordRefill(_book: Book, command: RecordRefill): Decision {
  if (command.amountKoinu <= 0n) return reject('WALLET_AMOUNT_INVALID', 'amountKoinu must be positive');
  const postings = [
    platformPosting('COLD_STORAGE', command.amountKoinu, 'REFILL'),
    platformPosting('CHAIN_CLEARING', -command.amountKoinu, 'REFILL'),
  ];
  return booked(`${command.txid}:${command.vout}`, postings, {
    direction: 'REFILL',
    txid: command.txid,
    vout: command.vout,
    amountKoinu: command.amountKoinu.toString(),
    minerFeeKoinu: '0',
  });
}
