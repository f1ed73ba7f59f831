// A fixed clock and the default grace period for the unit specs of the cross-service checks.
import type { GraceWindow } from '../../src/domain/grace.js';

export const GRACE_SECONDS = 300;
export const NOW = new Date('2026-12-01T12:00:00.000Z');
export const WINDOW: GraceWindow = { now: NOW, graceSeconds: GRACE_SECONDS };

export const secondsAgo = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

/** Well inside the grace period: work that may still be in flight. */
export const JUST_NOW = secondsAgo(5);
/** Well past the grace period: whatever disagrees now is a discrepancy. */
export const HOUR_AGO = secondsAgo(3_600);
