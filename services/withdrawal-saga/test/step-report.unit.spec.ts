// Proves what the saga tells a user's wallet about each step (withdrawal.step-recorded): every saga step
// maps to the step the user sees, written out here as a table; the reported vocabulary is exactly the
// contract's enum; a failure is told by its code and a fixed sentence, never the stored reason; the
// txid travels from SIGNED on; and a confirmation count is reported only when it changes, below the
// depth where CONFIRMED (carrying the count) takes over.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  FAILURE_SENTENCES,
  REPORTED_STEPS,
  REPORTED_STEP_OF,
  reportOfConfirmations,
  reportOfStep,
  type StepFacts,
} from '../src/domain/step-report.js';
import { STEP_NAMES, WITHDRAWAL_FAILURE_CODES } from '../src/domain/withdrawal.js';

/** A step's detail as the repository stores it: the facts a report may show, among others. */
type StepDetail = StepFacts & Record<string, unknown>;

const TXID = 'ab'.repeat(32);
const DEPTH = 6;

describe('withdrawal step reports', () => {
  it('maps every saga step to the step its user sees', () => {
    expect(Object.fromEntries(STEP_NAMES.map((step) => [step, REPORTED_STEP_OF[step]]))).to.deep.equal({
      REQUEST_REFUSED: 'REJECTED',
      FRAUD_APPROVED: 'APPROVED',
      FRAUD_HELD: 'HELD_FOR_REVIEW',
      FRAUD_COOLING_DOWN: 'COOLING_DOWN',
      FRAUD_REJECTED: 'REJECTED',
      REVIEW_APPROVED: 'APPROVED',
      REVIEW_REJECTED: 'REJECTED',
      COOL_DOWN_ELAPSED: 'APPROVED',
      FUNDS_SHORT: 'WAITING_FOR_FUNDS',
      BATCHED: 'SIGNING',
      BATCH_CANCELLED: 'APPROVED',
      SIGNED: 'SIGNED',
      SIGNER_REFUSED: 'FAILED',
      BROADCAST: 'BROADCAST',
      CONFIRMED: 'CONFIRMED',
      DROPPED_BY_NETWORK: 'FAILED',
      FUNDS_WAIT_EXPIRED: 'FAILED',
    });
  });

  it('reports exactly the symbols of the withdrawal.step-recorded contract', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../schemas/withdrawal.step-recorded.avsc', import.meta.url), 'utf8'),
    ) as { fields: { name: string; type: { fields: { name: string; type: unknown }[] } }[] };
    const step = schema.fields[1]!.type.fields.find((field) => field.name === 'step')!;
    expect((step.type as { symbols: string[] }).symbols).to.deep.equal([...REPORTED_STEPS]);
  });

  it('tells a failure by its code and a fixed sentence, never the stored reason', () => {
    const secretish = 'inputs 00ff:1 spent elsewhere; reviewer note: user is on watch list';
    const report = reportOfStep(
      'DROPPED_BY_NETWORK',
      { txid: TXID },
      { code: 'WITHDRAWAL_DROPPED_BY_NETWORK', reason: secretish },
    );
    expect(report).to.deep.equal({
      step: 'FAILED',
      txid: TXID,
      confirmations: null,
      reason: 'WITHDRAWAL_DROPPED_BY_NETWORK: the network dropped the transaction',
    });
    expect(Object.keys(FAILURE_SENTENCES)).to.have.members([...WITHDRAWAL_FAILURE_CODES]);
    const reviewDetail: StepDetail = { reviewer: 'alice' };
    const rejected = reportOfStep('REVIEW_REJECTED', reviewDetail, {
      code: 'WITHDRAWAL_REJECTED_IN_REVIEW',
      reason: 'rejected in review: looks like fraud',
    });
    expect(rejected).to.deep.equal({
      step: 'REJECTED',
      txid: null,
      confirmations: null,
      reason: 'WITHDRAWAL_REJECTED_IN_REVIEW: refused in review',
    });
  });

  it('carries the txid of the signed, broadcast and confirmed steps, and the count only on CONFIRMED', () => {
    const batched: StepDetail = { batchId: 'b' };
    const signed: StepDetail = { txid: TXID, sizeBytes: 226 };
    expect(reportOfStep('BATCHED', batched, null)).to.deep.equal({
      step: 'SIGNING',
      txid: null,
      confirmations: null,
      reason: null,
    });
    expect(reportOfStep('SIGNED', signed, null)).to.include({
      step: 'SIGNED',
      txid: TXID,
      confirmations: null,
    });
    expect(reportOfStep('BROADCAST', { txid: TXID, confirmations: 3 }, null)).to.include({
      step: 'BROADCAST',
      txid: TXID,
      confirmations: null,
    });
    expect(reportOfStep('CONFIRMED', { txid: TXID, confirmations: 6 }, null)).to.deep.equal({
      step: 'CONFIRMED',
      txid: TXID,
      confirmations: 6,
      reason: null,
    });
  });

  it('reports a confirmation count when it changes, below the depth only', () => {
    const counts = [0, 0, 1, 1, 2, 4, 4, 5, 6, 7];
    const reported = counts.slice(1).map((current, index) => {
      const report = reportOfConfirmations(TXID, counts[index]!, current, DEPTH);
      return report === null ? null : report.confirmations;
    });
    expect(reported).to.deep.equal([null, 1, null, 2, 4, null, 5, null, null]);
    expect(reportOfConfirmations(TXID, 0, 1, DEPTH)).to.deep.equal({
      step: 'CONFIRMATIONS',
      txid: TXID,
      confirmations: 1,
      reason: null,
    });
  });

  it('reports a count that went down (a reorganisation), but never a negative one', () => {
    expect(reportOfConfirmations(TXID, 3, 0, DEPTH)).to.include({ step: 'CONFIRMATIONS', confirmations: 0 });
    expect(reportOfConfirmations(TXID, 2, -1, DEPTH)).to.equal(null);
  });
});
