// Proves the deposit lifecycle: detected once per txid:vout, confirmations reported until the
// required depth, confirmed exactly once, a reorg that removes a deposit for good reverses it, and
// one that moves it to another block does not. A property drives random chain histories and checks
// the event stream a wallet would see.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  blockDisconnected,
  missingFromNode,
  seenInBlock,
  seenInMempool,
  tipAdvanced,
  type Deposit,
} from '../../src/domain/deposit.js';
import type { DepositEvent } from '../../src/domain/events.js';
import type { MatchedPayment } from '../../src/domain/matching.js';
import { decideRollback } from '../../src/domain/reorg.js';
import { TOPICS } from '@dbay/contracts';

const REQUIRED = 6;
const DROP_POLLS = 3;
const payment: MatchedPayment = {
  txid: 'a'.repeat(64),
  vout: 1,
  pubkeyHash: '11'.repeat(20),
  amountKoinu: 12_345_678_901n,
  watched: {
    address: 'nUserAddress',
    pubkeyHash: '11'.repeat(20),
    userId: 'user-1',
    derivationPath: "m/44'/3'/0'/0/7",
  },
};
const RAW = '0100';
const block = (height: number, branch = 'b'): { height: number; hash: string } => ({
  height,
  hash: `${branch}${height}`.padStart(64, '0'),
});

function types(events: DepositEvent[]): string[] {
  return events.map((event) => event.topic);
}

describe('deposit lifecycle', () => {
  it('goes mempool -> block -> 6 confirmations with one detected and one confirmed', () => {
    const events: DepositEvent[] = [];
    let step = seenInMempool(undefined, payment, RAW);
    events.push(...step.events);
    expect(step.events[0]).to.deep.equal({
      topic: TOPICS.depositDetected,
      payload: {
        userId: 'user-1',
        address: 'nUserAddress',
        txid: payment.txid,
        vout: 1,
        amountKoinu: '12345678901',
        confirmations: 0,
        blockHash: null,
        blockHeight: null,
      },
    });
    step = seenInMempool(step.deposit, payment, RAW);
    expect(step.events).to.deep.equal([]);
    step = seenInBlock(step.deposit, payment, RAW, block(100));
    events.push(...step.events);
    let deposit = step.deposit;
    for (let tip = 100; tip <= 108; tip += 1) {
      const advanced = tipAdvanced(deposit, block(tip), REQUIRED);
      events.push(...advanced.events);
      deposit = advanced.deposit;
    }
    expect(types(events)).to.deep.equal([
      TOPICS.depositDetected,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmed,
    ]);
    const confirmed = events.at(-1)!;
    expect(confirmed).to.deep.equal({
      topic: TOPICS.depositConfirmed,
      payload: {
        userId: 'user-1',
        address: 'nUserAddress',
        derivationPath: "m/44'/3'/0'/0/7",
        txid: payment.txid,
        vout: 1,
        amountKoinu: '12345678901',
        blockHash: block(100).hash,
        blockHeight: 100,
        confirmations: 6,
        rawTransactionHex: RAW,
      },
    });
    expect(deposit.status).to.equal('confirmed');
  });

  it('reports 5 confirmations without confirming', () => {
    let deposit = seenInBlock(undefined, payment, RAW, block(10)).deposit;
    deposit = tipAdvanced(deposit, block(14), REQUIRED).deposit;
    expect(deposit).to.include({ status: 'pending', confirmations: 5 });
  });

  it('reverses a deposit whose block a reorg removed and which does not come back', () => {
    let deposit = seenInBlock(undefined, payment, RAW, block(50)).deposit;
    deposit = tipAdvanced(deposit, block(51), REQUIRED).deposit;
    const rollback = decideRollback({
      network: 'regtest',
      oldTip: block(51),
      fork: block(49, 'c'),
      forkHeight: 49,
      requiredConfirmations: REQUIRED,
      disconnected: [deposit],
    });
    expect(types(rollback.decisions[0]!.events)).to.deep.equal([TOPICS.depositConfirmationsChanged]);
    expect(rollback.decisions[0]!.events[0]!.payload).to.include({
      confirmations: 0,
      blockHash: null,
      blockHeight: null,
    });
    expect(rollback.alert).to.include({ depth: 2, exceedsConfirmationDepth: false, affectedDeposits: 1 });
    deposit = rollback.decisions[0]!.deposit;
    const events: DepositEvent[] = [];
    for (let poll = 0; poll < DROP_POLLS; poll += 1) {
      const step = missingFromNode(deposit, DROP_POLLS);
      events.push(...step.events);
      deposit = step.deposit;
    }
    expect(events).to.deep.equal([
      {
        topic: TOPICS.depositReversed,
        payload: {
          userId: 'user-1',
          address: 'nUserAddress',
          txid: payment.txid,
          vout: 1,
          amountKoinu: '12345678901',
          wasConfirmed: false,
          reason: 'DEPOSIT_LEFT_CHAIN',
        },
      },
    ]);
    // Polls after the reversal say nothing more.
    expect(missingFromNode(deposit, DROP_POLLS).events).to.deep.equal([]);
  });

  it('does not reverse a deposit that is back in the mempool or in another block', () => {
    let deposit = blockDisconnected(seenInBlock(undefined, payment, RAW, block(50)).deposit).deposit;
    deposit = missingFromNode(deposit, DROP_POLLS).deposit;
    deposit = missingFromNode(deposit, DROP_POLLS).deposit;
    deposit = seenInMempool(deposit, payment, RAW).deposit;
    expect(deposit.missingPolls).to.equal(0);
    const moved = seenInBlock(deposit, payment, RAW, block(51, 'c'));
    expect(types(moved.events)).to.deep.equal([TOPICS.depositConfirmationsChanged]);
    expect(moved.deposit).to.include({ status: 'pending', confirmations: 1, leftChain: false });
  });

  it('re-detects a reversed deposit that reappears', () => {
    let deposit = seenInMempool(undefined, payment, RAW).deposit;
    for (let poll = 0; poll < DROP_POLLS; poll += 1) deposit = missingFromNode(deposit, DROP_POLLS).deposit;
    expect(deposit.status).to.equal('reversed');
    const again = seenInBlock(deposit, payment, RAW, block(70));
    expect(types(again.events)).to.deep.equal([TOPICS.depositDetected]);
    expect(again.deposit.status).to.equal('pending');
  });

  it('reverses a confirmed deposit lost in a deep reorg with wasConfirmed, and raises the alert', () => {
    let deposit = seenInBlock(undefined, payment, RAW, block(10)).deposit;
    deposit = tipAdvanced(deposit, block(15), REQUIRED).deposit;
    expect(deposit.status).to.equal('confirmed');
    const rollback = decideRollback({
      network: 'regtest',
      oldTip: block(15),
      fork: block(9),
      forkHeight: 9,
      requiredConfirmations: REQUIRED,
      disconnected: [deposit],
    });
    expect(rollback.decisions[0]!.events).to.deep.equal([]);
    expect(rollback.alert).to.include({
      depth: 6,
      exceedsConfirmationDepth: true,
      affectedConfirmedDeposits: 1,
    });
    deposit = rollback.decisions[0]!.deposit;
    const events: DepositEvent[] = [];
    for (let poll = 0; poll < DROP_POLLS; poll += 1) {
      const step = missingFromNode(deposit, DROP_POLLS);
      events.push(...step.events);
      deposit = step.deposit;
    }
    expect(events.map((event) => event.payload)).to.deep.equal([
      {
        userId: 'user-1',
        address: 'nUserAddress',
        txid: payment.txid,
        vout: 1,
        amountKoinu: '12345678901',
        wasConfirmed: true,
        reason: 'DEPOSIT_LEFT_CHAIN',
      },
    ]);
  });

  it('keeps a confirmed deposit that a deep reorg moved to another block, without new events', () => {
    let deposit = seenInBlock(undefined, payment, RAW, block(10)).deposit;
    deposit = tipAdvanced(deposit, block(15), REQUIRED).deposit;
    deposit = blockDisconnected(deposit).deposit;
    const back = seenInBlock(deposit, payment, RAW, block(12, 'c'));
    expect(back.events).to.deep.equal([]);
    expect(back.deposit).to.include({ status: 'confirmed', leftChain: false });
    expect(tipAdvanced(back.deposit, block(20, 'c'), REQUIRED).events).to.deep.equal([]);
  });

  it('refuses to see the same outpoint with another amount or address, or in two blocks', () => {
    const deposit = seenInBlock(undefined, payment, RAW, block(10)).deposit;
    expect(() => seenInBlock(deposit, payment, RAW, block(11))).to.throw(/already in block/);
    expect(() => seenInMempool(deposit, { ...payment, amountKoinu: 1n }, RAW)).to.throw(/koinu/);
  });
});

/**
 * A random history of what the node shows for one deposit's transaction each poll: in the mempool,
 * in a block at some depth, or nowhere; with reorgs in between. The wallet-visible invariants:
 * confirmed at most once while it stays confirmed, detected before any other event, a reversal only
 * after DROP_POLLS polls where it was nowhere, and confirmations reported in each changed event match
 * the depth.
 */
describe('deposit lifecycle under random histories', () => {
  type Observation =
    { kind: 'mempool' } | { kind: 'nowhere' } | { kind: 'mined'; depthAfter: number } | { kind: 'reorg' };
  const observation = fc.oneof(
    fc.constant<Observation>({ kind: 'mempool' }),
    fc.constant<Observation>({ kind: 'nowhere' }),
    fc.constant<Observation>({ kind: 'reorg' }),
    fc.integer({ min: 0, max: 8 }).map<Observation>((depthAfter) => ({ kind: 'mined', depthAfter })),
  );

  it('holds the wallet-visible invariants', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 40 }), (history) => {
        let deposit: Deposit | undefined;
        let tip = 1000;
        let branch = 0;
        const events: DepositEvent[] = [];
        let nowhereStreak = 0;
        for (const seen of history) {
          let step: { deposit: Deposit; events: DepositEvent[] } | undefined;
          switch (seen.kind) {
            case 'mempool':
              nowhereStreak = 0;
              if (deposit?.block) break; // the node would not show a mined tx in its mempool
              step = seenInMempool(deposit, payment, RAW);
              break;
            case 'nowhere':
              nowhereStreak += 1;
              if (deposit === undefined || deposit.block) break;
              step = missingFromNode(deposit, DROP_POLLS);
              if (step.events.length > 0) expect(nowhereStreak).to.be.at.least(DROP_POLLS);
              break;
            case 'reorg':
              branch += 1;
              if (deposit?.block) {
                nowhereStreak = 0;
                step = blockDisconnected(deposit);
              }
              break;
            case 'mined': {
              nowhereStreak = 0;
              if (deposit?.block) break;
              tip += 1;
              const minedIn = { height: tip, hash: `${branch}-${tip}`.padStart(64, '0') };
              step = seenInBlock(deposit, payment, RAW, minedIn);
              events.push(...step.events);
              deposit = step.deposit;
              for (let more = 0; more <= seen.depthAfter; more += 1) {
                const advanced = tipAdvanced(deposit, { height: tip + more, hash: 'x' }, REQUIRED);
                events.push(...advanced.events);
                deposit = advanced.deposit;
                for (const event of advanced.events) {
                  if (event.topic !== TOPICS.depositReversed) {
                    expect(event.payload.confirmations).to.equal(more + 1);
                  }
                }
              }
              tip += seen.depthAfter;
              step = undefined;
              break;
            }
          }
          if (step) {
            events.push(...step.events);
            deposit = step.deposit;
          }
        }
        // Replay the stream as a wallet would and check it is coherent.
        let state: 'none' | 'incoming' | 'credited' | 'dropped' = 'none';
        for (const event of events) {
          switch (event.topic) {
            case TOPICS.depositDetected:
              expect(state).to.be.oneOf(['none', 'dropped']);
              state = 'incoming';
              break;
            case TOPICS.depositConfirmationsChanged:
              expect(state).to.equal('incoming');
              break;
            case TOPICS.depositConfirmed:
              expect(state).to.equal('incoming');
              state = 'credited';
              break;
            case TOPICS.depositReversed:
              expect(state).to.be.oneOf(['incoming', 'credited']);
              expect(event.payload.wasConfirmed).to.equal(state === 'credited');
              state = 'dropped';
              break;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
