/**
 * `cold-transfer-booked`: every move between the platform's hot wallet and its cold account that the
 * saga completed is booked by the wallet exactly once, with the same amounts, and the wallet books no
 * such move the saga never made.
 * - A sweep (the saga's SWEEP batch, CONFIRMED): the wallet's COLD_STORAGE is debited the sum of its
 *   cold outputs, and NETWORK_FEES pays its miner fee, in one ledger transaction referenced by the txid.
 * - A refill (the saga's refills row): COLD_STORAGE is credited the output's value, in one ledger
 *   transaction referenced by txid:vout.
 *
 * In flight (forgiven within the grace period): the saga has completed it and the wallet has not booked
 * it yet (hot-wallet.swept or hot-wallet.refilled is on its way). A booking without a saga transfer, a
 * second booking or a different amount is never work in flight.
 */
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import { finding, type Finding } from '../findings.js';

export type ColdTransferKind = 'SWEEP' | 'REFILL';

export interface ColdTransferSide {
  amountKoinu: bigint;
  minerFeeKoinu: bigint;
  at: Date;
}

export interface ColdTransferPair {
  kind: ColdTransferKind;
  /** The sweep's txid, or the refill's txid:vout: the wallet's ledger reference. */
  reference: string;
  saga: ColdTransferSide | null;
  wallet: (ColdTransferSide & { transactions: number }) | null;
}

const describe = (side: ColdTransferSide | null): string =>
  side === null ? 'none' : `${side.amountKoinu} (miner fee ${side.minerFeeKoinu})`;

export function checkColdTransferBooked(pair: ColdTransferPair, window: GraceWindow): Finding[] {
  const { saga, wallet } = pair;
  if (saga !== null && wallet === null && changedWithinGrace(window, saga.at)) return [];
  const agreed =
    saga !== null &&
    wallet !== null &&
    wallet.transactions === 1 &&
    wallet.amountKoinu === saga.amountKoinu &&
    wallet.minerFeeKoinu === saga.minerFeeKoinu;
  if (agreed) return [];
  const booked = wallet === null ? 'not booked' : `booked in ${wallet.transactions} ledger transaction(s)`;
  return [
    finding(
      'cold-transfer-booked',
      'chain',
      `${pair.kind.toLowerCase()}:${pair.reference}`,
      saga === null ? 'no booking (the saga made no such transfer)' : describe(saga),
      describe(wallet),
      `${pair.kind} ${pair.reference}: saga ${saga === null ? 'has no record of it' : 'completed it'}, wallet ${booked}`,
    ),
  ];
}
