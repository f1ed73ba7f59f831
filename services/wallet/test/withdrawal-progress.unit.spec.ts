// Proves what the user API says about a withdrawal on its way to the chain, from the steps the saga
// reported: the timeline starts with the wallet's own REQUESTED and follows the reports by time (the
// saga's order within one instant), whatever order they arrived in; the txid shows from the first step
// that carries one, and the booked txid wins once finalized; the confirmation count is the latest
// reported (down again after a reorganisation), 0 once broadcast, null before; another withdrawal's
// steps never leak in; and the wallet's step vocabulary is exactly the contract's.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  REPORTED_WITHDRAWAL_STEPS,
  progressOf,
  type Withdrawal,
  type WithdrawalStep,
} from '../src/domain/index.js';

const TXID = 'cd'.repeat(32);
const withdrawal: Withdrawal = {
  id: '00000000-0000-4000-8000-000000000001',
  userId: '00000000-0000-4000-8000-0000000000aa',
  destinationAddress: 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi',
  amountKoinu: 100_000_000n,
  networkFeeKoinu: 100_000_000n,
  status: 'REQUESTED',
  txid: null,
  minerFeeShareKoinu: null,
  failureCode: null,
  failureReason: null,
  requestedAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
};

function step(
  name: WithdrawalStep['step'],
  second: number,
  extra: Partial<WithdrawalStep> = {},
): WithdrawalStep {
  return {
    withdrawalId: withdrawal.id,
    step: name,
    confirmations: null,
    txid: null,
    reason: null,
    at: new Date(Date.UTC(2026, 10, 26, 10, 0, second)).toISOString(),
    ...extra,
  };
}

describe('withdrawal progress (what GET /v1/withdrawals/:id shows)', () => {
  it('before any report: only REQUESTED, no txid, no count', () => {
    expect(progressOf(withdrawal, [])).to.deep.equal({
      txid: null,
      confirmations: null,
      timeline: [
        { step: 'REQUESTED', at: withdrawal.requestedAt, txid: null, confirmations: null, reason: null },
      ],
    });
  });

  it('broadcast: the txid and a count of 0 before finalization, the timeline in order whatever the arrival', () => {
    const steps = [
      step('BROADCAST', 3, { txid: TXID }),
      step('SIGNING', 1),
      step('SIGNED', 2, { txid: TXID }),
      step('APPROVED', 1),
    ];
    const progress = progressOf(withdrawal, steps);
    expect(progress.txid).to.equal(TXID);
    expect(progress.confirmations).to.equal(0);
    expect(progress.timeline.map((entry) => entry.step)).to.deep.equal([
      'REQUESTED',
      'APPROVED',
      'SIGNING',
      'SIGNED',
      'BROADCAST',
    ]);
  });

  it('counts up with the confirmations, then CONFIRMED; the booked txid wins once finalized', () => {
    const steps = [
      step('BROADCAST', 3, { txid: TXID }),
      step('CONFIRMATIONS', 5, { txid: TXID, confirmations: 1 }),
      step('CONFIRMATIONS', 6, { txid: TXID, confirmations: 2 }),
    ];
    expect(progressOf(withdrawal, steps).confirmations).to.equal(2);
    const confirmed = [...steps, step('CONFIRMED', 9, { txid: TXID, confirmations: 6 })];
    const booked = 'ef'.repeat(32);
    const final = progressOf({ ...withdrawal, status: 'FINALIZED', txid: booked }, confirmed);
    expect(final.confirmations).to.equal(6);
    expect(final.txid).to.equal(booked);
    expect(final.timeline.at(-1)).to.deep.equal({
      step: 'CONFIRMED',
      at: '2026-11-26T10:00:09.000Z',
      txid: TXID,
      confirmations: 6,
      reason: null,
    });
  });

  it('shows the latest count, which may go down after a reorganisation', () => {
    const steps = [
      step('CONFIRMATIONS', 7, { txid: TXID, confirmations: 1 }),
      step('CONFIRMATIONS', 5, { txid: TXID, confirmations: 2 }),
    ];
    expect(progressOf(withdrawal, steps).confirmations).to.equal(1);
  });

  it('keeps REQUESTED first and shows a failure with its reason', () => {
    const early = { ...withdrawal, requestedAt: '2026-11-26T10:00:30.000Z' };
    const reason = 'WITHDRAWAL_REJECTED_IN_REVIEW: refused in review';
    const progress = progressOf(early, [step('HELD_FOR_REVIEW', 1), step('REJECTED', 20, { reason })]);
    expect(progress.timeline.map((entry) => [entry.step, entry.reason])).to.deep.equal([
      ['REQUESTED', null],
      ['HELD_FOR_REVIEW', null],
      ['REJECTED', reason],
    ]);
    expect(progress.txid).to.equal(null);
    expect(progress.confirmations).to.equal(null);
  });

  it("ignores another withdrawal's steps", () => {
    const other = {
      ...step('BROADCAST', 3, { txid: TXID }),
      withdrawalId: '00000000-0000-4000-8000-000000000002',
    };
    expect(progressOf(withdrawal, [other]).timeline).to.have.length(1);
  });

  it('knows exactly the steps of the withdrawal.step-recorded contract', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../schemas/withdrawal.step-recorded.avsc', import.meta.url), 'utf8'),
    ) as { fields: { name: string; type: { fields: { name: string; type: { symbols?: string[] } }[] } }[] };
    const symbols = schema.fields[1]!.type.fields.find((field) => field.name === 'step')!.type.symbols;
    expect(symbols).to.deep.equal([...REPORTED_WITHDRAWAL_STEPS]);
  });
});
