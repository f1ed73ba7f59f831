// Proves, on the running wallet with the real broker and registry, that what the withdrawal saga reports
// on withdrawal.step-recorded reaches the user before the withdrawal is finalized: a BROADCAST step shows
// its txid and a count of 0 on GET /v1/withdrawals/:id while the status is still REQUESTED, and the
// timeline starts with REQUESTED; the same step redelivered, or re-emitted under a new event id, stays
// one row; a new confirmation count shows as the latest; no money moves on any of it. A step for a
// withdrawal the wallet never had is ignored and counted (no DLQ); one naming another user's withdrawal
// is dead-lettered. This spec stands in for the saga as messages.int.spec.ts does: its withdrawal is
// above the stack's review threshold (1,000 DOGE), so the real saga only holds it for review and its
// own HELD_FOR_REVIEW report, whenever it arrives, is left out of the assertions.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { TOPICS } from '@dbay/contracts';
import {
  DOGE,
  WALLET_METRICS_URL,
  api,
  fund,
  moneySnapshot,
  randomTxid,
  testExecutor,
  userToken,
  type TestExecutor,
} from './support/stack.js';
import { WalletBus } from './support/kafka.js';

const REGTEST_ADDRESS = 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi';
const UNKNOWN_METRIC = 'dbay_wallet_withdrawal_steps_unknown_withdrawal_total';

interface TimelineEntry {
  step: string;
  at: string;
  txid?: string;
  confirmations?: number;
  reason?: string;
}
interface WithdrawalBody {
  status: string;
  txid: string | null;
  confirmations: number | null;
  timeline: TimelineEntry[];
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(WALLET_METRICS_URL)).text();
  // `name value` or `name{labels} value` (the platform labels every metric with its service).
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('wallet: withdrawal steps reported by the saga (running service, real broker)', function () {
  this.timeout(180_000);
  let funder: TestExecutor;
  let bus: WalletBus;
  const user = randomUUID();
  let token: string;

  before(async () => {
    funder = testExecutor({ poolMax: 2 });
    bus = new WalletBus();
    await bus.connect();
    // Three withdrawals of 1,500 DOGE and their fees.
    await fund(funder, user, 5_000n * DOGE);
    token = await userToken(user);
  });
  after(async () => {
    await bus.close();
    await funder.close();
  });

  const requestWithdrawal = async (): Promise<string> => {
    const response = await api('POST', '/v1/withdrawals', {
      token,
      idempotencyKey: randomUUID(),
      body: { destinationAddress: REGTEST_ADDRESS, amount: '1500' },
    });
    expect(response.status, response.text).to.equal(201);
    return response.body.withdrawalId as string;
  };

  const stepEvent = (
    withdrawalId: string,
    step: string,
    at: number,
    extra: { txid?: string; confirmations?: number; reason?: string; userId?: string } = {},
  ) =>
    bus.event(TOPICS.withdrawalStepRecorded, 'withdrawal-saga', {
      withdrawalId,
      userId: extra.userId ?? user,
      step,
      txid: extra.txid ?? null,
      confirmations: extra.confirmations ?? null,
      reason: extra.reason ?? null,
      at,
    });

  const send = (withdrawalId: string, event: ReturnType<typeof stepEvent>) =>
    bus.sendAndWait(TOPICS.withdrawalStepRecorded, withdrawalId, event);

  const withdrawal = async (withdrawalId: string): Promise<WithdrawalBody> => {
    const response = await api('GET', `/v1/withdrawals/${withdrawalId}`, { token });
    expect(response.status, response.text).to.equal(200);
    return response.body as unknown as WithdrawalBody;
  };

  /** The timeline without the real saga's own hold, which arrives whenever it does. */
  const ours = (body: WithdrawalBody) => body.timeline.filter((entry) => entry.step !== 'HELD_FOR_REVIEW');

  const rowsOf = (withdrawalId: string) =>
    funder
      .knex('withdrawal_steps')
      .where({ withdrawal_id: withdrawalId })
      .whereNot({ step: 'HELD_FOR_REVIEW' })
      .orderBy(['step', 'confirmations'])
      .select<{ step: string; confirmations: number | null; txid: string | null }[]>(
        'step',
        'confirmations',
        'txid',
      );

  it('shows the txid and the BROADCAST step before finalization, once however often it arrives', async () => {
    const withdrawalId = await requestWithdrawal();
    const before = await withdrawal(withdrawalId);
    expect(before).to.include({ status: 'REQUESTED', txid: null, confirmations: null });
    expect(before.timeline[0]!.step).to.equal('REQUESTED');
    const money = await moneySnapshot(funder.knex, [user]);

    const txid = randomTxid();
    const start = Date.now();
    await send(withdrawalId, stepEvent(withdrawalId, 'SIGNED', start + 1_000, { txid }));
    const broadcast = stepEvent(withdrawalId, 'BROADCAST', start + 2_000, { txid });
    await send(withdrawalId, broadcast);
    // A redelivery (same event id) and a second saga replica's report (new event id, same step).
    await send(withdrawalId, broadcast);
    await send(withdrawalId, stepEvent(withdrawalId, 'BROADCAST', start + 2_000, { txid }));

    const shown = await withdrawal(withdrawalId);
    expect(shown).to.include({ status: 'REQUESTED', txid, confirmations: 0 });
    expect(ours(shown)).to.deep.equal([
      { step: 'REQUESTED', at: ours(shown)[0]!.at },
      { step: 'SIGNED', at: new Date(start + 1_000).toISOString(), txid },
      { step: 'BROADCAST', at: new Date(start + 2_000).toISOString(), txid },
    ]);
    expect(await rowsOf(withdrawalId)).to.deep.equal([
      { step: 'BROADCAST', confirmations: null, txid },
      { step: 'SIGNED', confirmations: null, txid },
    ]);

    await send(
      withdrawalId,
      stepEvent(withdrawalId, 'CONFIRMATIONS', start + 3_000, { txid, confirmations: 1 }),
    );
    const counted = stepEvent(withdrawalId, 'CONFIRMATIONS', start + 4_000, { txid, confirmations: 2 });
    await send(withdrawalId, counted);
    await send(withdrawalId, counted);
    const confirming = await withdrawal(withdrawalId);
    expect(confirming).to.include({ status: 'REQUESTED', txid, confirmations: 2 });
    expect(ours(confirming).map((entry) => [entry.step, entry.confirmations ?? null])).to.deep.equal([
      ['REQUESTED', null],
      ['SIGNED', null],
      ['BROADCAST', null],
      ['CONFIRMATIONS', 1],
      ['CONFIRMATIONS', 2],
    ]);
    expect(await rowsOf(withdrawalId)).to.have.length(4);

    // The list shows the txid and the count too.
    const list = await api('GET', '/v1/withdrawals?limit=100', { token });
    const listed = (
      list.body.withdrawals as { withdrawalId: string; txid: string; confirmations: number }[]
    ).find((entry) => entry.withdrawalId === withdrawalId);
    expect(listed).to.include({ txid, confirmations: 2 });

    // Reports move no money.
    expect(await moneySnapshot(funder.knex, [user])).to.deep.equal(money);
  });

  it('shows a failure with its reason in the timeline', async () => {
    const withdrawalId = await requestWithdrawal();
    const reason = 'WITHDRAWAL_REJECTED_IN_REVIEW: refused in review';
    await send(withdrawalId, stepEvent(withdrawalId, 'REJECTED', Date.now() + 1_000, { reason }));
    const shown = await withdrawal(withdrawalId);
    expect(ours(shown).map((entry) => [entry.step, entry.reason ?? null])).to.deep.equal([
      ['REQUESTED', null],
      ['REJECTED', reason],
    ]);
  });

  it('ignores and counts a step for a withdrawal the wallet never had; dead-letters one under another user', async () => {
    const stranger = randomUUID();
    const unknownBefore = await metric(UNKNOWN_METRIC);
    const marks = await bus.dlqMarks(TOPICS.withdrawalStepRecorded);
    await send(stranger, stepEvent(stranger, 'BROADCAST', Date.now(), { txid: randomTxid() }));
    expect(await metric(UNKNOWN_METRIC)).to.be.greaterThan(unknownBefore);
    expect(await funder.knex('withdrawal_steps').where({ withdrawal_id: stranger })).to.deep.equal([]);
    expect(await bus.deadLetters(TOPICS.withdrawalStepRecorded, stranger, marks)).to.deep.equal([]);

    const withdrawalId = await requestWithdrawal();
    await send(
      withdrawalId,
      stepEvent(withdrawalId, 'BROADCAST', Date.now(), { txid: randomTxid(), userId: randomUUID() }),
    );
    expect(await rowsOf(withdrawalId)).to.deep.equal([]);
    const letters = await bus.deadLetters(TOPICS.withdrawalStepRecorded, withdrawalId, marks);
    expect(letters).to.have.length(1);
    expect(letters[0]).to.match(/another user/);
  });
});
