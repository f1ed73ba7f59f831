// Proves the deposit rule between the watcher and the wallet: a confirmed deposit credited once, for
// its amount, to its user passes; each way it can fail (never credited, credited twice, another amount,
// another user, a credit without a confirmed deposit) is reported with the txid:vout and both
// amounts; and work in flight in either direction (confirmed and not credited yet, or credited while
// the watcher's row is still pending) is forgiven only within the grace period, by both sides' times.
import { expect } from 'chai';
import {
  checkDepositCredited,
  type DepositCredits,
  type DepositPair,
  type WatcherDeposit,
} from '../../src/domain/checks/deposit-credited-once.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const KEY = `${'cd'.repeat(32)}:0`;
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-0000000000b0';
const AMOUNT = 10_000_000_000n;

const confirmed = (confirmedAt: Date, overrides: Partial<WatcherDeposit> = {}): WatcherDeposit => ({
  userId: ALICE,
  amountKoinu: AMOUNT,
  status: 'confirmed',
  confirmedAt,
  updatedAt: confirmedAt,
  ...overrides,
});
const pending = (updatedAt: Date): WatcherDeposit => ({
  userId: ALICE,
  amountKoinu: AMOUNT,
  status: 'pending',
  confirmedAt: null,
  updatedAt,
});
const credited = (at: Date, overrides: Partial<DepositCredits> = {}): DepositCredits => ({
  count: 1,
  amountKoinu: AMOUNT,
  firstUserId: ALICE,
  lastUserId: ALICE,
  lastCreditedAt: at,
  ...overrides,
});
const NOT_CREDITED: DepositCredits = {
  count: 0,
  amountKoinu: 0n,
  firstUserId: null,
  lastUserId: null,
  lastCreditedAt: null,
};
const pair = (watcher: WatcherDeposit | null, credits: DepositCredits): DepositPair => ({
  depositKey: KEY,
  watcher,
  credits,
});

describe('deposit-credited-once', () => {
  it('accepts a confirmed deposit credited once, for its amount, to its user', () => {
    expect(checkDepositCredited(pair(confirmed(HOUR_AGO), credited(HOUR_AGO)), WINDOW)).to.deep.equal([]);
    expect(checkDepositCredited(pair(confirmed(JUST_NOW), credited(JUST_NOW)), WINDOW)).to.deep.equal([]);
  });

  it('has nothing to say about a deposit neither confirmed nor credited', () => {
    expect(checkDepositCredited(pair(pending(HOUR_AGO), NOT_CREDITED), WINDOW)).to.deep.equal([]);
  });

  describe('in flight from the watcher to the wallet', () => {
    it('forgives a deposit confirmed moments ago that the wallet has not credited yet', () => {
      expect(checkDepositCredited(pair(confirmed(JUST_NOW), NOT_CREDITED), WINDOW)).to.deep.equal([]);
    });

    it('reports the same deposit once the grace period has passed: never credited', () => {
      expect(checkDepositCredited(pair(confirmed(HOUR_AGO), NOT_CREDITED), WINDOW)).to.deep.equal([
        {
          check: 'deposit-credited-once',
          subjectType: 'deposit',
          subjectId: KEY,
          expected: '10000000000',
          actual: '0',
          detail: `confirmed for ${ALICE}, credited 0 time(s) to nobody`,
        },
      ]);
    });
  });

  describe('in flight from the wallet to the watcher', () => {
    it("forgives a credit made moments ago, exactly as the watcher's still pending row says", () => {
      expect(checkDepositCredited(pair(pending(HOUR_AGO), credited(JUST_NOW)), WINDOW)).to.deep.equal([]);
      expect(checkDepositCredited(pair(pending(JUST_NOW), credited(HOUR_AGO)), WINDOW)).to.deep.equal([]);
    });

    it('reports the same credit once both sides are older than the grace period', () => {
      expect(checkDepositCredited(pair(pending(HOUR_AGO), credited(HOUR_AGO)), WINDOW)).to.deep.equal([
        {
          check: 'deposit-credited-once',
          subjectType: 'deposit',
          subjectId: KEY,
          expected: '0',
          actual: '10000000000',
          detail: `credited 1 time(s) to ${ALICE} without a confirmed deposit`,
        },
      ]);
    });

    it('never forgives a recent credit that differs from the pending row', () => {
      const found = checkDepositCredited(
        pair(pending(JUST_NOW), credited(JUST_NOW, { amountKoinu: AMOUNT + 1n })),
        WINDOW,
      );
      expect(found.map((f) => f.actual)).to.deep.equal(['10000000001']);
    });
  });

  it('reports a deposit credited twice, even moments ago: a second credit is never in flight', () => {
    expect(
      checkDepositCredited(
        pair(confirmed(HOUR_AGO), credited(JUST_NOW, { count: 2, amountKoinu: 2n * AMOUNT })),
        WINDOW,
      ),
    ).to.deep.equal([
      {
        check: 'deposit-credited-once',
        subjectType: 'deposit',
        subjectId: KEY,
        expected: '10000000000',
        actual: '20000000000',
        detail: `confirmed for ${ALICE}, credited 2 time(s) to ${ALICE}`,
      },
    ]);
  });

  it('reports a credit of another amount', () => {
    const [found] = checkDepositCredited(
      pair(confirmed(HOUR_AGO), credited(HOUR_AGO, { amountKoinu: AMOUNT - 1n })),
      WINDOW,
    );
    expect(found).to.include({ expected: '10000000000', actual: '9999999999' });
  });

  it('reports a credit to another user, and names both users of a deposit credited to two', () => {
    const [toBob] = checkDepositCredited(
      pair(confirmed(HOUR_AGO), credited(HOUR_AGO, { firstUserId: BOB, lastUserId: BOB })),
      WINDOW,
    );
    expect(toBob?.detail).to.equal(`confirmed for ${ALICE}, credited 1 time(s) to ${BOB}`);
    const [toBoth] = checkDepositCredited(
      pair(
        confirmed(HOUR_AGO),
        credited(HOUR_AGO, { count: 2, amountKoinu: 2n * AMOUNT, firstUserId: ALICE, lastUserId: BOB }),
      ),
      WINDOW,
    );
    expect(toBoth?.detail).to.equal(`confirmed for ${ALICE}, credited 2 time(s) to ${ALICE},${BOB}`);
  });

  it('reports a credit the watcher never saw, and one for a deposit it reversed, however recent', () => {
    expect(checkDepositCredited(pair(null, credited(JUST_NOW)), WINDOW)).to.have.length(1);
    const reversed: WatcherDeposit = { ...pending(JUST_NOW), status: 'reversed' };
    expect(checkDepositCredited(pair(reversed, credited(JUST_NOW)), WINDOW)[0]).to.include({
      expected: '0',
      detail: `credited 1 time(s) to ${ALICE} without a confirmed deposit`,
    });
  });
});
