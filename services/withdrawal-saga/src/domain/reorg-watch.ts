/**
 * The watch after withdrawal.confirmed. A withdrawal confirmed at REQUIRED_CONFIRMATIONS is final for
 * the user and the wallet: it is never paid again and never refunded. A reorganisation deeper than
 * that can still take its transaction out of the chain, so the saga keeps looking at each confirmed
 * transaction until it is REORG_WATCH_CONFIRMATIONS deep. Each look ends in one of four findings and
 * this module decides, from the batch's current chain exit and the finding, its next chain exit and
 * the alert to raise (the stage of withdrawal.reorged), if any:
 *
 *   found in a block of the best chain  back at the depth after an exit: BACK_IN_CHAIN; in another
 *                                       block than the one it was confirmed in: MOVED
 *   in the mempool / sent again         LEFT_CHAIN (the node will mine it again)
 *   refused, an input spent elsewhere   CONFLICTED: it can never confirm as signed; a person decides
 *   refused otherwise                   LEFT_CHAIN, tried again on the next look (e.g. its parent,
 *                                       our own earlier change, is not back yet)
 *
 * An alert is raised once per change of exit, not on every look.
 */
import type { ChainSighting } from './broadcast.js';

export const CHAIN_EXITS = ['LEFT_CHAIN', 'CONFLICTED'] as const;
export type ChainExit = (typeof CHAIN_EXITS)[number];

export type ReorgStage = 'LEFT_CHAIN' | 'MOVED' | 'CONFLICTED' | 'BACK_IN_CHAIN';

/** What one look at a confirmed transaction found on the node. */
export type ChainLook =
  | { kind: 'in-chain'; sighting: ChainSighting }
  | { kind: 'in-mempool' }
  | { kind: 'sent-again' }
  | { kind: 'refused'; error: string; inputsSpentElsewhere: string[] };

export interface WatchedState {
  chainExit: ChainExit | null;
  /** The block it was last seen confirmed in. */
  blockHash: string;
}

export interface WatchDecision {
  chainExit: ChainExit | null;
  /** The alert to raise, or null when nothing changed that a person must hear about. */
  stage: ReorgStage | null;
  /** The block that holds it now, to store; null when it is out of the chain. */
  inChain: ChainSighting | null;
}

export function decideWatch(
  state: WatchedState,
  look: ChainLook,
  requiredConfirmations: number,
): WatchDecision {
  switch (look.kind) {
    case 'in-chain': {
      const { sighting } = look;
      if (state.chainExit !== null) {
        if (sighting.confirmations >= requiredConfirmations)
          return { chainExit: null, stage: 'BACK_IN_CHAIN', inChain: sighting };
        return { chainExit: state.chainExit, stage: null, inChain: sighting };
      }
      const moved = sighting.blockHash !== state.blockHash;
      return { chainExit: null, stage: moved ? 'MOVED' : null, inChain: sighting };
    }
    case 'in-mempool':
    case 'sent-again':
      return {
        chainExit: 'LEFT_CHAIN',
        stage: state.chainExit === 'LEFT_CHAIN' ? null : 'LEFT_CHAIN',
        inChain: null,
      };
    case 'refused':
      if (look.inputsSpentElsewhere.length > 0)
        return {
          chainExit: 'CONFLICTED',
          stage: state.chainExit === 'CONFLICTED' ? null : 'CONFLICTED',
          inChain: null,
        };
      return {
        chainExit: state.chainExit ?? 'LEFT_CHAIN',
        stage: state.chainExit === null ? 'LEFT_CHAIN' : null,
        inChain: null,
      };
    default: {
      const unreachable: never = look;
      throw new Error(`unknown chain look ${JSON.stringify(unreachable)}`);
    }
  }
}
