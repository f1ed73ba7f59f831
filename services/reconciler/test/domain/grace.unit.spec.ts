// Proves the grace period that forgives work in flight: a change less than the grace period ago on
// either side counts, one at or past it does not, a missing side is ignored, and a time further in
// the future than the grace period (a clock that disagrees) cannot vouch for anything.
import { expect } from 'chai';
import { changedWithinGrace } from '../../src/domain/grace.js';
import { GRACE_SECONDS, HOUR_AGO, JUST_NOW, NOW, WINDOW, secondsAgo } from '../support/grace.js';

describe('the grace period of work in flight', () => {
  it('counts a change less than the grace period ago, on either side', () => {
    expect(changedWithinGrace(WINDOW, JUST_NOW)).to.equal(true);
    expect(changedWithinGrace(WINDOW, HOUR_AGO, JUST_NOW)).to.equal(true);
    expect(changedWithinGrace(WINDOW, JUST_NOW, HOUR_AGO)).to.equal(true);
  });

  it('does not count changes at or past the grace period', () => {
    expect(changedWithinGrace(WINDOW, secondsAgo(GRACE_SECONDS))).to.equal(false);
    expect(changedWithinGrace(WINDOW, HOUR_AGO, secondsAgo(GRACE_SECONDS + 1))).to.equal(false);
    expect(changedWithinGrace(WINDOW, secondsAgo(GRACE_SECONDS - 1))).to.equal(true);
  });

  it('ignores a side that has no timestamp, and counts nothing when neither has one', () => {
    expect(changedWithinGrace(WINDOW, null, JUST_NOW)).to.equal(true);
    expect(changedWithinGrace(WINDOW, null, HOUR_AGO)).to.equal(false);
    expect(changedWithinGrace(WINDOW, null)).to.equal(false);
    expect(changedWithinGrace(WINDOW)).to.equal(false);
  });

  it('accepts a clock a little ahead, but not one ahead by more than the grace period', () => {
    expect(changedWithinGrace(WINDOW, new Date(NOW.getTime() + 2_000))).to.equal(true);
    expect(changedWithinGrace(WINDOW, new Date(NOW.getTime() + 86_400_000))).to.equal(false);
  });

  it('forgives nothing with a grace period of zero', () => {
    expect(changedWithinGrace({ now: NOW, graceSeconds: 0 }, NOW)).to.equal(false);
  });
});
