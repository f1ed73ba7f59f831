// Proves how a withdrawal.requested opens a withdrawal: a request whose amounts do not parse is refused
// with WITHDRAWAL_AMOUNT_INVALID and keeps only the text the wallet sent (no amount is invented for it),
// while the withdrawal.failed it announces is the one the wallet always got; an unusable address and
// dust are refused with their codes and real amounts; the first problem wins; and a payable request
// opens with the step, failure and times its fraud outcome calls for.
import { expect } from 'chai';
import type { FraudDecision } from '../src/domain/fraud.js';
import {
  openDecided,
  openRefused,
  screenRequest,
  type AddressCheck,
  type WithdrawalRequest,
} from '../src/domain/withdrawal-request.js';
import { assertFailureFits, OPENING_STEPS } from '../src/domain/withdrawal.js';
import { failedEvent } from '../src/use-cases/events.js';

const DOGE = 100_000_000n;
const VALID: AddressCheck = { ok: true };
const NOW = new Date('2026-11-25T10:00:00Z');

function request(amountText: string, networkFeeText = '1000000'): WithdrawalRequest {
  return {
    withdrawalId: 'b3c1f7a2-5d0e-4c1b-9f4a-2e8d6c0a1b23',
    userId: '6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f',
    destinationAddress: 'nXYZ',
    amountText,
    networkFeeText,
    requestedAt: new Date('2026-11-25T09:59:59Z'),
    correlationId: 'corr-1',
    requestedEventId: 'event-1',
  };
}

function containsBigint(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(containsBigint);
}

describe('opening a withdrawal from its request', () => {
  it('refuses an unparseable amount without inventing one, and announces the same withdrawal.failed', () => {
    const asked = request('12.5');
    const screening = screenRequest(asked, VALID);
    if (screening.kind !== 'refused') throw new Error('expected a refusal');
    const opening = openRefused(asked, screening);

    expect(opening.amounts).to.deep.equal({
      kind: 'unparsed',
      amountText: '12.5',
      networkFeeText: '1000000',
    });
    expect(containsBigint(opening), 'no koinu anywhere in the refused record').to.equal(false);
    expect(opening.step).to.equal('REQUEST_REFUSED');
    expect(OPENING_STEPS[opening.step]).to.equal('FAILED');
    expect(opening.fraudOutcome).to.equal('not-evaluated');
    expect(() => assertFailureFits(opening.step, 'FAILED', opening.failure)).not.to.throw();

    const event = failedEvent(asked, opening.failure, { causationId: asked.requestedEventId });
    expect(event).to.deep.equal({
      topic: 'withdrawal.failed',
      key: asked.withdrawalId,
      correlationId: 'corr-1',
      causationId: 'event-1',
      payload: {
        withdrawalId: asked.withdrawalId,
        userId: asked.userId,
        reasonCode: 'WITHDRAWAL_AMOUNT_INVALID',
        reason: 'amount "12.5" is not an integer koinu string',
      },
    });
  });

  it('keeps both texts when only the network fee does not parse', () => {
    const screening = screenRequest(request('500000000', '-1'), VALID);
    expect(screening).to.deep.equal({
      kind: 'refused',
      code: 'WITHDRAWAL_AMOUNT_INVALID',
      reason: 'amount "-1" is negative',
      amounts: { kind: 'unparsed', amountText: '500000000', networkFeeText: '-1' },
    });
  });

  it('refuses an unusable address and dust with their codes and the real amounts, amounts first', () => {
    const invalidAddress: AddressCheck = { ok: false, reason: 'address checksum does not match (a typo?)' };
    expect(screenRequest(request('500000000'), invalidAddress)).to.deep.equal({
      kind: 'refused',
      code: 'WITHDRAWAL_ADDRESS_INVALID',
      reason: 'address checksum does not match (a typo?)',
      amounts: { kind: 'parsed', amountKoinu: 5n * DOGE, networkFeeKoinu: 1_000_000n },
    });
    expect(screenRequest(request('100000'), VALID)).to.deep.equal({
      kind: 'refused',
      code: 'WITHDRAWAL_AMOUNT_BELOW_DUST',
      reason: 'amount is below the 1000000 koinu soft dust limit',
      amounts: { kind: 'parsed', amountKoinu: 100_000n, networkFeeKoinu: 1_000_000n },
    });
    expect(screenRequest(request('abc'), invalidAddress)).to.include({ code: 'WITHDRAWAL_AMOUNT_INVALID' });
  });

  it('opens a payable request with the step, failure and times of its fraud outcome', () => {
    const asked = request('500000000');
    const screening = screenRequest(asked, VALID);
    if (screening.kind !== 'payable') throw new Error('expected a payable request');
    const releaseAt = new Date(NOW.getTime() + 3_600_000);
    const reasons = [{ code: 'FRAUD_SINGLE_AMOUNT_REJECT' as const, message: 'too much' }];
    const decisions: FraudDecision[] = [
      { outcome: 'approve', reasons: [] },
      { outcome: 'hold', reasons },
      { outcome: 'cool-down', reasons, releaseAt },
      { outcome: 'reject', reasons },
    ];
    const openings = decisions.map((decision) => openDecided(asked, screening, '76a9', decision, NOW));
    expect(openings.map((o) => [o.step, o.approvedAt, o.releaseAt, o.failure])).to.deep.equal([
      ['FRAUD_APPROVED', NOW, null, null],
      ['FRAUD_HELD', null, null, null],
      ['FRAUD_COOLING_DOWN', null, releaseAt, null],
      ['FRAUD_REJECTED', null, null, { code: 'WITHDRAWAL_REJECTED_BY_FRAUD_RULES', reason: 'too much' }],
    ]);
    for (const opening of openings) {
      expect(opening.amounts).to.deep.equal({
        kind: 'parsed',
        amountKoinu: 5n * DOGE,
        networkFeeKoinu: 1_000_000n,
      });
      expect(() =>
        assertFailureFits(opening.step, OPENING_STEPS[opening.step], opening.failure),
      ).not.to.throw();
    }
  });
});
