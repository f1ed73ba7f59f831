/**
 * Confirmation arithmetic. A transaction in the tip block has 1 confirmation; each block on top
 * adds one. The watcher counts against its own scanned tip, block by block, so a restart or a
 * catch-up after downtime walks every deposit through the same counts in the same order.
 */

/** Confirmations of a transaction in the block at `blockHeight` when the tip is at `tipHeight`. */
export function confirmationsAt(blockHeight: number, tipHeight: number): number {
  if (!Number.isSafeInteger(blockHeight) || !Number.isSafeInteger(tipHeight) || blockHeight < 0) {
    throw new Error(`invalid heights: block ${blockHeight}, tip ${tipHeight}`);
  }
  if (tipHeight < blockHeight) {
    throw new Error(`tip ${tipHeight} is below the block ${blockHeight} it should contain`);
  }
  return tipHeight - blockHeight + 1;
}

export type ConfirmationProgress =
  | { kind: 'unchanged' }
  | { kind: 'changed'; confirmations: number }
  | { kind: 'confirmed'; confirmations: number };

/**
 * What a new confirmation count means for a deposit that is not yet confirmed: nothing, a change to
 * report, or the confirmation (at `requiredConfirmations` deep or more).
 */
export function confirmationProgress(
  previous: number,
  current: number,
  requiredConfirmations: number,
): ConfirmationProgress {
  if (current >= requiredConfirmations) return { kind: 'confirmed', confirmations: current };
  if (current === previous) return { kind: 'unchanged' };
  return { kind: 'changed', confirmations: current };
}
