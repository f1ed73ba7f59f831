/**
 * Work in flight between two services: one side has committed a change and produced its event, and the
 * other has not applied it yet. A cross-service check sees such a pair disagree for a moment on a
 * healthy system, so it forgives that one shape of disagreement while either side changed less than
 * the grace period ago. Both sides' timestamps count, whichever side produced the event: judging by one
 * side only is how a just-confirmed withdrawal, already finalized by the wallet, was once reported as
 * "not confirmed" by the saga.
 */
export interface GraceWindow {
  /** The database's clock when the check read its rows. */
  now: Date;
  graceSeconds: number;
}

/**
 * True when one of the times is less than the grace period away from now. A time further in the
 * future than the grace period comes from a clock that disagrees with the database's, so it cannot
 * vouch for recent work and the disagreement is reported rather than forgiven.
 */
export function changedWithinGrace(window: GraceWindow, ...changedAt: ReadonlyArray<Date | null>): boolean {
  const graceMs = window.graceSeconds * 1000;
  return changedAt.some((at) => at !== null && Math.abs(window.now.getTime() - at.getTime()) < graceMs);
}
