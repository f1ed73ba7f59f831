// Proves that the typed producer and consumer pieces hold the contract at both ends: enqueueTopicEvent
// writes the platform's outbox row unchanged and a payload that does not fit its topic does not
// compile (the @ts-expect-error lines fail the typecheck if it ever does), and topicHandlers /
// topicBatchHandlers hand each handler its topic's decoded payload or dead-letter the message at once.
import { expect } from 'chai';
import type { Knex } from 'knex';
import pino from 'pino';
import { OUTBOX_TABLE, PermanentEventError, type EventMessage, type HandlerContext } from '@dbay/platform';
import {
  enqueueTopicEvent,
  PayloadContractError,
  topicBatchHandlers,
  topicHandlers,
  TOPICS,
  type BidLockedPayload,
  type NewTopicEvent,
  type TopicEvent,
} from '../src/index.js';

const bidLocked: BidLockedPayload = {
  auctionId: '20000000-0000-4000-8000-000000000001',
  userId: '10000000-0000-4000-8000-000000000001',
  amountKoinu: '500000000',
  increaseKoinu: '100000000',
};

const context: HandlerContext = {
  topic: TOPICS.bidLocked,
  partition: 0,
  offset: '0',
  key: bidLocked.auctionId,
  headers: undefined,
  attempt: 1,
  logger: pino({ level: 'silent' }),
};

function eventOf(payload: unknown): EventMessage {
  return {
    envelope: {
      eventId: '00000000-0000-4000-8000-000000000001',
      eventType: TOPICS.bidLocked,
      occurredAt: '2026-11-24T12:00:00.000Z',
      correlationId: 'flow-1',
      causationId: null,
      producer: 'wallet',
    },
    payload,
  };
}

/** A transaction stand-in that records the outbox insert. */
function recordingTransaction(rows: unknown[]): Knex.Transaction {
  const trx = (table: string) => {
    expect(table).to.equal(OUTBOX_TABLE);
    // One insert per state change, of one row or of several (enqueueEvents).
    return {
      insert: (row: unknown) =>
        Promise.resolve(rows.push(...(Array.isArray(row) ? (row as unknown[]) : [row]))),
    };
  };
  return Object.assign(trx, { isTransaction: true }) as unknown as Knex.Transaction;
}

const noTransaction = {} as Knex.Transaction;

describe('enqueueTopicEvent', () => {
  it("writes the platform's outbox row for the topic, key and payload", async () => {
    const rows: Record<string, unknown>[] = [];
    const eventId = await enqueueTopicEvent(recordingTransaction(rows), {
      topic: TOPICS.bidLocked,
      key: bidLocked.auctionId,
      payload: bidLocked,
      correlationId: 'flow-1',
    });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      event_id: eventId,
      topic: 'bid.locked',
      message_key: bidLocked.auctionId,
      payload: JSON.stringify(bidLocked),
      correlation_id: 'flow-1',
      causation_id: null,
    });
  });

  it('does not compile with a payload of another topic, a bigint amount or a missing field', () => {
    const wrongTopic: NewTopicEvent = {
      topic: TOPICS.bidUnlocked,
      key: 'k',
      correlationId: 'c',
      // @ts-expect-error bid.unlocked has no increaseKoinu
      payload: { auctionId: 'a', userId: 'u', amountKoinu: '1', increaseKoinu: '1' },
    };
    const bigintAmount: TopicEvent<typeof TOPICS.bidLocked> = {
      topic: TOPICS.bidLocked,
      key: 'k',
      // @ts-expect-error amounts are koinu strings on the wire, never bigint
      payload: { ...bidLocked, amountKoinu: 5n },
    };
    const { increaseKoinu: _left, ...withoutIncrease } = bidLocked;
    // @ts-expect-error increaseKoinu is missing
    const missingField: TopicEvent = { topic: TOPICS.bidLocked, key: 'k', payload: withoutIncrease };
    expect([wrongTopic, bigintAmount, missingField]).to.have.length(3);
  });
});

describe('topicHandlers', () => {
  it('hands the handler the decoded payload of its topic', async () => {
    const seen: BidLockedPayload[] = [];
    const handlers = topicHandlers({
      [TOPICS.bidLocked]: (_trx, event) => {
        seen.push(event.payload);
        return Promise.resolve();
      },
    });
    expect(Object.keys(handlers)).to.deep.equal(['bid.locked']);
    await handlers['bid.locked']!(noTransaction, eventOf({ ...bidLocked, extra: 1 }) as never, context);
    expect(seen).to.deep.equal([bidLocked]);
  });

  it('dead-letters a payload that does not fit before the handler runs', async () => {
    let ran = false;
    const handlers = topicHandlers({
      [TOPICS.bidLocked]: () => {
        ran = true;
        return Promise.resolve();
      },
    });
    let failure: unknown;
    await handlers['bid.locked']!(
      noTransaction,
      eventOf({ ...bidLocked, amountKoinu: 5 }) as never,
      context,
    ).catch((error: unknown) => (failure = error));
    expect(ran).to.equal(false);
    expect(failure).to.be.instanceOf(PayloadContractError).and.instanceOf(PermanentEventError);
    expect((failure as Error).message)
      .to.contain('bid.locked')
      .and.contain('amountKoinu');
  });
});

describe('topicBatchHandlers', () => {
  it('decodes every message of the batch, and fails the whole batch for one that does not fit', async () => {
    const seen: string[] = [];
    const handlers = topicBatchHandlers({
      [TOPICS.bidLocked]: (_trx, items) => {
        seen.push(...items.map(({ event }) => event.payload.amountKoinu));
        return Promise.resolve();
      },
    });
    const good = { event: eventOf(bidLocked), context };
    await handlers['bid.locked']!(noTransaction, [good, good] as never);
    expect(seen).to.deep.equal(['500000000', '500000000']);

    const bad = { event: eventOf({ ...bidLocked, userId: null }), context };
    let failure: unknown;
    await handlers['bid.locked']!(noTransaction, [good, bad] as never).catch(
      (error: unknown) => (failure = error),
    );
    expect(failure).to.be.instanceOf(PayloadContractError);
    expect(seen, 'the handler never saw the failed batch').to.have.length(2);
  });
});
