/**
 * Rolling back to a fork point: every deposit in a disconnected block leaves the chain (see
 * deposit.ts), and the reorg itself is reported as a deposit.reorg-detected event, an alert when it
 * is at least as deep as the confirmation depth.
 */
import { blockDisconnected, type Decision, type Deposit } from './deposit.js';
import { exceedsConfirmationDepth, reorgDepth } from './fork.js';
import type { BlockRef } from './chain.js';
import type { DepositReorgDetectedPayload } from '@dbay/contracts';

export interface Rollback {
  /** The new stored tip: the fork block, or null when nothing stored is on the node's chain. */
  fork: BlockRef | null;
  /** Height of the new stored tip (the fork height, or the height below the lowest stored block). */
  forkHeight: number;
  /** One decision per disconnected deposit, in the order given. */
  decisions: Decision[];
  alert: DepositReorgDetectedPayload;
}

export function decideRollback(input: {
  network: string;
  oldTip: BlockRef;
  fork: BlockRef | null;
  forkHeight: number;
  requiredConfirmations: number;
  /** Deposits anchored above the fork height. */
  disconnected: readonly Deposit[];
}): Rollback {
  const depth = reorgDepth(input.oldTip.height, input.forkHeight);
  const decisions: Decision[] = [];
  let affectedConfirmedDeposits = 0;
  for (const deposit of input.disconnected) {
    if (deposit.block === null || deposit.block.height <= input.forkHeight) {
      throw new Error(`${deposit.txid}:${deposit.vout} is not above the fork at ${input.forkHeight}`);
    }
    if (deposit.status === 'confirmed') affectedConfirmedDeposits += 1;
    decisions.push(blockDisconnected(deposit));
  }
  return {
    fork: input.fork,
    forkHeight: input.forkHeight,
    decisions,
    alert: {
      network: input.network,
      forkHeight: input.forkHeight,
      forkBlockHash: input.fork?.hash ?? null,
      oldTipHeight: input.oldTip.height,
      oldTipHash: input.oldTip.hash,
      depth,
      requiredConfirmations: input.requiredConfirmations,
      exceedsConfirmationDepth:
        exceedsConfirmationDepth(depth, input.requiredConfirmations) || affectedConfirmedDeposits > 0,
      affectedDeposits: input.disconnected.length,
      affectedConfirmedDeposits,
    },
  };
}
