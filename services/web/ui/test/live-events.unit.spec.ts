// Proves which cached answers each live nudge makes stale, so a deposit, a bid or an order change shows
// up without a reload.
import { expect } from 'chai';
import { eventId, staleKeysFor } from '../src/lib/live-events.js';

describe('live events', () => {
  it('refreshes deposits, balance and ledger on a deposit', () => {
    expect(staleKeysFor('deposit', null)).to.deep.equal([['deposits'], ['balance'], ['ledger']]);
  });

  it('refreshes the named withdrawal, order or auction and its list', () => {
    expect(staleKeysFor('withdrawal', 'w1')).to.deep.equal([['withdrawals'], ['withdrawal', 'w1']]);
    expect(staleKeysFor('order', 'o1')).to.deep.equal([['orders'], ['order', 'o1']]);
    expect(staleKeysFor('auction', 'a1')).to.deep.equal([['auctions'], ['auction', 'a1']]);
    expect(staleKeysFor('bid', 'b1')).to.deep.equal([['bids'], ['auction']]);
  });

  it('reads the id of an event and tolerates anything else', () => {
    expect(eventId('{"topic":"order.paid","id":"o1"}')).to.equal('o1');
    expect(eventId('{"topic":"order.paid","id":null}')).to.equal(null);
    expect(eventId('not json')).to.equal(null);
  });
});
