// Proves who hears about which event on the page: deposits, balances, withdrawals and bids reach only
// their user, orders their buyer and seller, auctions every connected page; a topic of those families
// without a user (a reorg alert, the signer's requests) reaches nobody; and web subscribes to exactly
// the topics that can nudge someone, as schemas/*.topic.json declare.
import { expect } from 'chai';
import { PAYLOAD_SCHEMAS, TOPICS, TOPIC_DECLARATIONS, type Topic } from '@dbay/contracts';
import { nudgeFor, reaches, type Nudge } from '../src/domain/nudges.js';

const ALICE = '9750dcc2-516e-5ea0-8a26-54fa6ff6986b';
const BOB = '1b671a64-40d5-491e-99b0-da01ff1f3341';
const ORDER = '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b';
const AUCTION = 'c9bf9e57-1685-4c89-bafb-ff5af830be8a';
const TXID = 'ab'.repeat(32);

function expectNudge(nudge: Nudge | undefined): Nudge {
  expect(nudge, 'a nudge').to.not.equal(undefined);
  return nudge!;
}

describe('web nudges: who hears about an event', () => {
  it('sends a deposit to its user only, identified by txid:vout', () => {
    for (const topic of [
      TOPICS.depositDetected,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmed,
      TOPICS.depositCredited,
      TOPICS.depositReversalFlagged,
      TOPICS.depositReversed,
    ]) {
      const nudge = expectNudge(nudgeFor(topic, { userId: ALICE, txid: TXID, vout: 1, confirmations: 3 }));
      expect(nudge).to.deep.include({ kind: 'deposit', topic, id: `${TXID}:1` });
      expect(reaches(nudge, ALICE)).to.equal(true);
      expect(reaches(nudge, BOB)).to.equal(false);
    }
  });

  it('sends a balance change to its user, with no id', () => {
    const nudge = expectNudge(nudgeFor(TOPICS.balanceChanged, { userId: BOB, referenceId: ORDER }));
    expect(nudge).to.deep.include({ kind: 'balance', id: null });
    expect(nudge.audience).to.deep.equal({ kind: 'users', userIds: [BOB] });
  });

  it('sends every withdrawal step with a user to that user, by withdrawal id, including steps added later', () => {
    const withdrawalId = '0d1c4b7e-2f9a-4d3c-8e6b-5a4f3e2d1c0b';
    for (const topic of [
      TOPICS.withdrawalRequested,
      TOPICS.withdrawalBroadcast,
      'withdrawal.step-recorded',
    ]) {
      const nudge = expectNudge(nudgeFor(topic, { withdrawalId, userId: ALICE }));
      expect(nudge).to.deep.include({ kind: 'withdrawal', topic, id: withdrawalId });
      expect(nudge.audience).to.deep.equal({ kind: 'users', userIds: [ALICE] });
    }
    expect(nudgeFor(TOPICS.withdrawalSigningRequested, { requestId: ORDER })).to.equal(undefined);
  });

  it('sends an order event to both its buyer and its seller', () => {
    const nudge = expectNudge(
      nudgeFor(TOPICS.orderShipped, { orderId: ORDER, buyerId: ALICE, sellerId: BOB, auctionId: null }),
    );
    expect(nudge).to.deep.include({ kind: 'order', id: ORDER });
    expect(reaches(nudge, ALICE) && reaches(nudge, BOB)).to.equal(true);
    expect(reaches(nudge, '00000000-0000-4000-8000-000000000000')).to.equal(false);
  });

  it('sends auction events to every page: prices and ends are public', () => {
    const nudge = expectNudge(nudgeFor(TOPICS.auctionBidPlaced, { auctionId: AUCTION, bidderId: ALICE }));
    expect(nudge).to.deep.include({ kind: 'auction', id: AUCTION, audience: { kind: 'everyone' } });
    expect(reaches(nudge, BOB)).to.equal(true);
  });

  it('sends a bid event to its bidder, identified by the auction', () => {
    const nudge = expectNudge(nudgeFor(TOPICS.bidUnlocked, { auctionId: AUCTION, userId: BOB }));
    expect(nudge).to.deep.include({ kind: 'bid', id: AUCTION });
    expect(nudge.audience).to.deep.equal({ kind: 'users', userIds: [BOB] });
  });

  it('nudges nobody for events without a user or of other families', () => {
    expect(nudgeFor(TOPICS.depositReorgDetected, { network: 'regtest' })).to.equal(undefined);
    expect(nudgeFor(TOPICS.depositAddressAssigned, { userId: ALICE })).to.equal(undefined);
    expect(nudgeFor(TOPICS.escrowLocked, { buyerId: ALICE })).to.equal(undefined);
    expect(nudgeFor(TOPICS.depositDetected, { userId: '' })).to.equal(undefined);
  });

  it('is subscribed (web in consumers) to exactly the topics that can nudge someone', () => {
    const routable = (Object.keys(PAYLOAD_SCHEMAS) as Topic[]).filter((topic) => {
      const fields = Object.keys((PAYLOAD_SCHEMAS[topic] as unknown as { shape: object }).shape);
      const sample = Object.fromEntries(fields.map((name) => [name, name === 'vout' ? 0 : ALICE]));
      return nudgeFor(topic, sample) !== undefined;
    });
    const declared = (Object.keys(TOPIC_DECLARATIONS) as Topic[]).filter((topic) =>
      (TOPIC_DECLARATIONS[topic].consumers as readonly string[]).includes('web'),
    );
    expect(declared.sort()).to.deep.equal(routable.sort());
    expect(routable).to.include.members([TOPICS.depositDetected, TOPICS.orderPaid, TOPICS.auctionClosed]);
  });
});
