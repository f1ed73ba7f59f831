// Proves the fraud rules decide approve / cool-down / hold / reject from the user's and the
// platform's recent withdrawals exactly at their configured limits, with the most severe rule winning.
import { expect } from 'chai';
import { decideFraud, type FraudHistory, type FraudPolicy } from '../src/domain/fraud.js';

const DOGE = 100_000_000n;
const policy: FraudPolicy = {
  singleAmountHoldKoinu: 1000n * DOGE,
  singleAmountRejectKoinu: 100_000n * DOGE,
  velocityWindowMs: 86_400_000,
  velocityMaxCount: 3,
  velocityMaxAmountKoinu: 2000n * DOGE,
  velocityAction: 'hold',
  newDestinationCooldownMs: 3_600_000,
  platformDailyCapKoinu: 50_000n * DOGE,
  platformCapAction: 'hold',
};
const now = new Date('2026-01-01T00:00:00Z');
const request = { userId: 'u1', destinationAddress: 'nDest', amountKoinu: 10n * DOGE };
const clean: FraudHistory = { userRecent: [], destinationUsedBefore: true, platformWindowTotalKoinu: 0n };

describe('fraud rules', () => {
  it('approves an ordinary withdrawal to a known destination', () => {
    expect(decideFraud(request, clean, policy, now)).to.deep.equal({ outcome: 'approve', reasons: [] });
  });

  it('holds at the single-amount threshold and not one koinu below', () => {
    expect(decideFraud({ ...request, amountKoinu: 1000n * DOGE - 1n }, clean, policy, now).outcome).to.equal(
      'approve',
    );
    const held = decideFraud({ ...request, amountKoinu: 1000n * DOGE }, clean, policy, now);
    expect(held.outcome).to.equal('hold');
    expect(held.reasons.map((r) => r.code)).to.deep.equal(['FRAUD_SINGLE_AMOUNT_HOLD']);
  });

  it('rejects at the rejection threshold', () => {
    const decision = decideFraud({ ...request, amountKoinu: 100_000n * DOGE }, clean, policy, now);
    expect(decision.outcome).to.equal('reject');
    expect(decision.reasons.map((r) => r.code)).to.include('FRAUD_SINGLE_AMOUNT_REJECT');
  });

  it('counts this withdrawal into the velocity count', () => {
    const two = { ...clean, userRecent: [{ amountKoinu: DOGE }, { amountKoinu: DOGE }] };
    expect(decideFraud(request, two, policy, now).outcome).to.equal('approve');
    const three = {
      ...clean,
      userRecent: [{ amountKoinu: DOGE }, { amountKoinu: DOGE }, { amountKoinu: DOGE }],
    };
    const decision = decideFraud(request, three, policy, now);
    expect(decision.outcome).to.equal('hold');
    expect(decision.reasons.map((r) => r.code)).to.deep.equal(['FRAUD_VELOCITY_COUNT']);
  });

  it('holds when the user total in the window would pass the velocity amount', () => {
    const history = { ...clean, userRecent: [{ amountKoinu: 1990n * DOGE }] };
    expect(decideFraud(request, history, policy, now).outcome).to.equal('approve');
    const over = { ...clean, userRecent: [{ amountKoinu: 1990n * DOGE + 1n }] };
    expect(decideFraud(request, over, policy, now).reasons.map((r) => r.code)).to.deep.equal([
      'FRAUD_VELOCITY_AMOUNT',
    ]);
  });

  it('applies the configured action of the velocity rule', () => {
    const three = {
      ...clean,
      userRecent: [{ amountKoinu: DOGE }, { amountKoinu: DOGE }, { amountKoinu: DOGE }],
    };
    expect(decideFraud(request, three, { ...policy, velocityAction: 'reject' }, now).outcome).to.equal(
      'reject',
    );
  });

  it('holds when the platform daily cap would be exceeded', () => {
    const history = { ...clean, platformWindowTotalKoinu: 50_000n * DOGE - 10n * DOGE };
    expect(decideFraud(request, history, policy, now).outcome).to.equal('approve');
    const full = { ...clean, platformWindowTotalKoinu: 50_000n * DOGE - 10n * DOGE + 1n };
    expect(decideFraud(request, full, policy, now).reasons.map((r) => r.code)).to.deep.equal([
      'FRAUD_PLATFORM_DAILY_CAP',
    ]);
  });

  it('cools down a destination the user was never paid to, releasing after the configured time', () => {
    const decision = decideFraud(request, { ...clean, destinationUsedBefore: false }, policy, now);
    expect(decision.outcome).to.equal('cool-down');
    if (decision.outcome !== 'cool-down') throw new Error('unreachable');
    expect(decision.releaseAt.toISOString()).to.equal('2026-01-01T01:00:00.000Z');
    expect(
      decideFraud(
        request,
        { ...clean, destinationUsedBefore: false },
        { ...policy, newDestinationCooldownMs: 0 },
        now,
      ).outcome,
    ).to.equal('approve');
  });

  it('lets the most severe finding win and keeps every reason', () => {
    const history = {
      userRecent: [{ amountKoinu: DOGE }, { amountKoinu: DOGE }, { amountKoinu: DOGE }],
      destinationUsedBefore: false,
      platformWindowTotalKoinu: 0n,
    };
    const decision = decideFraud({ ...request, amountKoinu: 100_000n * DOGE }, history, policy, now);
    expect(decision.outcome).to.equal('reject');
    expect(decision.reasons.map((r) => r.code)).to.have.members([
      'FRAUD_SINGLE_AMOUNT_REJECT',
      'FRAUD_VELOCITY_COUNT',
      'FRAUD_VELOCITY_AMOUNT',
      'FRAUD_PLATFORM_DAILY_CAP',
      'FRAUD_NEW_DESTINATION',
    ]);
    const heldAndNew = decideFraud(
      { ...request, amountKoinu: 1000n * DOGE },
      { ...clean, destinationUsedBefore: false },
      policy,
      now,
    );
    expect(heldAndNew.outcome).to.equal('hold');
  });
});
