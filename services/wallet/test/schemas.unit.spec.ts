// Proves the wallet's Avro schemas are the public contract they claim: each carries the shared
// envelope verbatim, has its topic declaration, and every event the domain emits encodes with it.
import { readFileSync, existsSync } from 'node:fs';
import { expect } from 'chai';
import avro from 'avsc';
import fc from 'fast-check';
import {
  applyDecision,
  decide,
  PRODUCED_TOPICS,
  type Command,
  type DomainEvent,
} from '../src/domain/index.js';
import { CONSUMED_TOPICS } from '../src/entrypoints/messages/handlers.js';
import { USERS, assignDepositAddresses, commandArbitrary } from './ledger-properties.unit.spec.js';
import { DOGE, REGTEST_ADDRESS, bookWith, context } from './fixtures.js';
import { TOPICS } from '@dbay/contracts';

const SCHEMAS = new URL('../../../schemas/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8'));
const envelope = read('envelope.avsc');

describe('wallet event schemas', () => {
  for (const topic of [...PRODUCED_TOPICS, ...CONSUMED_TOPICS]) {
    it(`${topic}: envelope copied verbatim, topic declared`, () => {
      const schema = read(`${topic}.avsc`) as { fields: { name: string; type: unknown }[] };
      expect(schema.fields.map((f) => f.name)).to.deep.equal(['envelope', 'payload']);
      expect(schema.fields[0]!.type).to.deep.equal(envelope);
      expect(existsSync(new URL(`${topic}.topic.json`, SCHEMAS))).to.equal(true);
      avro.Type.forSchema(schema as avro.Schema);
    });
  }

  it('every event the domain emits encodes with its topic schema', () => {
    const types = new Map(
      PRODUCED_TOPICS.map((topic) => [topic, avro.Type.forSchema(read(`${topic}.avsc`) as avro.Schema)]),
    );
    const seen = new Set<string>();
    const check = (event: DomainEvent) => {
      seen.add(event.topic);
      const value = {
        envelope: {
          eventId: 'e',
          eventType: event.topic,
          occurredAt: 'now',
          correlationId: 'c',
          causationId: null,
          producer: 'wallet',
        },
        payload: event.payload,
      };
      const type = types.get(event.topic)!;
      const errors: string[] = [];
      type.isValid(value, { errorHook: (path) => errors.push(path.join('.')) });
      expect(errors, `${event.topic} invalid at ${errors.join(', ')}`).to.deep.equal([]);
    };
    fc.assert(
      fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 60 }), (commands) => {
        const book = assignDepositAddresses(
          bookWith(Object.fromEntries(USERS.map((id) => [id, 50n * DOGE]))),
        );
        for (const command of commands) {
          const decision = decide(book, command, context());
          (decision.ok ? applyDecision(book, decision).events : decision.events).forEach(check);
        }
      }),
      { numRuns: 200 },
    );
    // Then one fixed story through every path (a release, disputes resolved by a refund and by a split, an
    // auction win, a finalized withdrawal, a reorg after credit), so the coverage check below never depends on what the random runs happened to draw.
    const [buyer, seller] = USERS as [string, string];
    const book = bookWith({ [buyer]: 50n * DOGE });
    book.depositAddressOwners.set(REGTEST_ADDRESS, buyer);
    const [orderId, wonOrderId, auctionId, splitOrderId, releasedOrderId] = [
      '40000000-0000-4000-8000-000000000001',
      '40000000-0000-4000-8000-000000000002',
      '40000000-0000-4000-8000-000000000003',
      '40000000-0000-4000-8000-000000000007',
      '40000000-0000-4000-8000-000000000008',
    ];
    const deposit = {
      userId: buyer,
      address: REGTEST_ADDRESS,
      txid: 'ef'.repeat(32),
      vout: 0,
      amountKoinu: DOGE,
    };
    const story: Command[] = [
      {
        type: 'PayOrder',
        orderId: releasedOrderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: DOGE / 50n,
      },
      { type: 'ReleaseEscrow', orderId: releasedOrderId },
      { type: 'PayOrder', orderId, buyerId: buyer, sellerId: seller, amountKoinu: DOGE, feeKoinu: 0n },
      { type: 'DisputeEscrow', orderId, reason: 'not as described' },
      { type: 'ResolveDispute', orderId, outcome: 'REFUND' },
      {
        type: 'PayOrder',
        orderId: splitOrderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: DOGE / 10n,
      },
      { type: 'DisputeEscrow', orderId: splitOrderId, reason: 'half of it arrived' },
      {
        type: 'ResolveDispute',
        orderId: splitOrderId,
        outcome: 'SPLIT',
        buyerRefundKoinu: DOGE / 2n,
        feeKoinu: DOGE / 20n,
      },
      { type: 'LockBid', auctionId, userId: buyer, amountKoinu: 2n * DOGE },
      {
        type: 'ConvertBid',
        auctionId,
        userId: buyer,
        orderId: wonOrderId,
        sellerId: seller,
        amountKoinu: DOGE,
        feeKoinu: 0n,
      },
      {
        type: 'RequestWithdrawal',
        withdrawalId: '40000000-0000-4000-8000-000000000004',
        userId: buyer,
        destinationAddress: REGTEST_ADDRESS,
        amountKoinu: 2n * DOGE,
      },
      {
        type: 'FinalizeWithdrawal',
        withdrawalId: '40000000-0000-4000-8000-000000000004',
        userId: buyer,
        txid: 'cc'.repeat(32),
        blockHash: 'dd'.repeat(32),
        blockHeight: 100,
        confirmations: 6,
        minerFeeShareKoinu: DOGE / 100n,
      },
      {
        type: 'CreditDeposit',
        ...deposit,
        confirmations: 6,
        blockHash: null,
        blockHeight: null,
        eventOccurredAt: '2026-11-24T12:00:00Z',
      },
      {
        type: 'ReverseDeposit',
        ...deposit,
        wasConfirmed: true,
        reason: 'deep reorg',
        eventOccurredAt: '2026-11-24T12:00:01Z',
      },
    ];
    const otherAuction = '40000000-0000-4000-8000-000000000005';
    const failedWithdrawal = '40000000-0000-4000-8000-000000000006';
    story.push(
      { type: 'LockBid', auctionId: otherAuction, userId: buyer, amountKoinu: DOGE },
      { type: 'UnlockBid', auctionId: otherAuction, userId: buyer },
      {
        type: 'RequestWithdrawal',
        withdrawalId: failedWithdrawal,
        userId: buyer,
        destinationAddress: REGTEST_ADDRESS,
        amountKoinu: DOGE,
      },
      {
        type: 'FailWithdrawal',
        withdrawalId: failedWithdrawal,
        userId: buyer,
        reasonCode: 'BROADCAST_REJECTED',
        reason: 'test',
      },
    );
    for (const command of story) {
      const decision = decide(book, command, context());
      expect(decision.ok, `${command.type} accepted`).to.equal(true);
      if (decision.ok) applyDecision(book, decision).events.forEach(check);
    }
    // And a refusal that answers with an event of its own.
    const refused = decide(
      book,
      { type: 'LockBid', auctionId: otherAuction, userId: buyer, amountKoinu: 10_000n * DOGE },
      context(),
    );
    expect(refused.ok, 'a bid above the balance is refused').to.equal(false);
    if (!refused.ok) refused.events.forEach(check);
    // Everything but deposit-address.assigned, which the address allocator emits outside the domain.
    expect([...seen].sort()).to.deep.equal(
      PRODUCED_TOPICS.filter((t) => t !== TOPICS.depositAddressAssigned).sort(),
    );
  });
});
