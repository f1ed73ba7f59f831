// Proves that the wallet's Kafka handlers, now fed payloads decoded by their topic's contract, build
// the same commands as before and refuse what they refused: a payload that does not fit its schema
// (dead-lettered as CONTRACT_PAYLOAD_INVALID before the executor runs), one that breaks the wallet's
// rules (UnprocessableEventError naming the field), and a refusal of an event the wallet must apply.
// It also proves the handlers cover exactly the topics whose topic.json names the wallet a consumer.
import { expect } from 'chai';
import type { Knex } from 'knex';
import pino from 'pino';
import type { BatchEventHandler, EventMessage, HandlerContext } from '@dbay/platform';
import {
  PayloadContractError,
  TOPIC_DECLARATIONS,
  TOPICS,
  type DepositConfirmedPayload,
  type EscrowLockRequestedPayload,
  type Topic,
  type WithdrawalStepRecordedPayload,
} from '@dbay/contracts';
import type { CommandExecutor } from '../src/command-executor.js';
import type { CommandOutcome, CommandRequest } from '../src/use-cases/ports.js';
import { UnprocessableEventError, walletHandlers } from '../src/entrypoints/messages/handlers.js';
import { DOGE, REGTEST_ADDRESS } from './fixtures.js';

const buyerId = '10000000-0000-4000-8000-000000000001';
const sellerId = '10000000-0000-4000-8000-000000000002';
const orderId = '20000000-0000-4000-8000-000000000001';
const noTransaction = {} as Knex.Transaction;

const lockRequested: EscrowLockRequestedPayload = {
  idempotencyKey: `order:${orderId}:pay`,
  orderId,
  buyerId,
  sellerId,
  amountKoinu: (2n * DOGE).toString(),
  feeKoinu: '1000000',
};

const depositConfirmed: DepositConfirmedPayload = {
  userId: buyerId,
  address: REGTEST_ADDRESS,
  derivationPath: "m/44'/3'/0'/0/0",
  txid: 'AB'.repeat(32),
  vout: 0,
  amountKoinu: DOGE.toString(),
  blockHash: 'cd'.repeat(32),
  blockHeight: 120,
  confirmations: 6,
  rawTransactionHex: '0100',
};

/** An executor that records what it is asked and answers every command with `outcome`. */
function recordingExecutor(
  outcome: CommandOutcome = { kind: 'accepted', result: {} as never, replayed: false },
) {
  const requests: CommandRequest[] = [];
  const executor = {
    executeAllInTransaction: (_trx: Knex.Transaction, batch: CommandRequest[]) => {
      requests.push(...batch);
      return Promise.resolve(batch.map(() => outcome));
    },
  } as unknown as CommandExecutor;
  return { executor, requests };
}

function message(topic: Topic, payload: unknown, producer: string) {
  const event: EventMessage = {
    envelope: {
      eventId: '00000000-0000-4000-8000-000000000009',
      eventType: topic,
      occurredAt: '2026-11-24T12:00:00.000Z',
      correlationId: 'flow-1',
      causationId: null,
      producer,
    },
    payload,
  };
  const context: HandlerContext = {
    topic,
    partition: 0,
    offset: '0',
    key: null,
    headers: undefined,
    attempt: 1,
    logger: pino({ level: 'silent' }),
  };
  return [{ event, context }] as never;
}

async function failureOf(run: Promise<void>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the handler to throw');
}

/** The withdrawal.step-recorded handler is another module's (withdrawal-steps.ts); these tests route around it. */
const recordNothing: BatchEventHandler<WithdrawalStepRecordedPayload> = () => Promise.resolve();

function handlerOf(executor: CommandExecutor, topic: Topic): BatchEventHandler<never> {
  return walletHandlers(executor, recordNothing)[topic]!;
}

describe('wallet Kafka handlers (unit)', () => {
  it('handle exactly the topics whose topic.json lists the wallet as a consumer', () => {
    const declared = Object.entries(TOPIC_DECLARATIONS)
      .filter(([, declaration]) => (declaration.consumers as readonly string[]).includes('wallet'))
      .map(([topic]) => topic);
    expect(Object.keys(walletHandlers(recordingExecutor().executor, recordNothing)).sort()).to.deep.equal(
      declared.sort(),
    );
  });

  it('turn escrow.lock-requested into PayOrder under the producer key, amounts as bigint koinu', async () => {
    const { executor, requests } = recordingExecutor();
    await handlerOf(executor, TOPICS.escrowLockRequested)(
      noTransaction,
      message(TOPICS.escrowLockRequested, lockRequested, 'order'),
    );
    expect(requests).to.deep.equal([
      {
        command: {
          type: 'PayOrder',
          orderId,
          buyerId,
          sellerId,
          amountKoinu: 2n * DOGE,
          feeKoinu: 1_000_000n,
        },
        scope: 'service:order',
        idempotencyKey: lockRequested.idempotencyKey,
        correlationId: 'flow-1',
        causationId: '00000000-0000-4000-8000-000000000009',
      },
    ]);
  });

  it('turn deposit.confirmed into CreditDeposit with only the fields the wallet uses, txid lower-cased', async () => {
    const { executor, requests } = recordingExecutor();
    await handlerOf(executor, TOPICS.depositConfirmed)(
      noTransaction,
      message(TOPICS.depositConfirmed, depositConfirmed, 'deposit-watcher'),
    );
    expect(requests.map((request) => [request.command, request.idempotencyKey])).to.deep.equal([
      [
        {
          type: 'CreditDeposit',
          userId: buyerId,
          address: REGTEST_ADDRESS,
          txid: 'ab'.repeat(32),
          vout: 0,
          amountKoinu: DOGE,
          confirmations: 6,
          blockHash: 'cd'.repeat(32),
          blockHeight: 120,
          eventOccurredAt: '2026-11-24T12:00:00.000Z',
        },
        'event:00000000-0000-4000-8000-000000000009',
      ],
    ]);
  });

  it('key a sweep by its txid and a refill by its output, so a second event of the same move replays', async () => {
    const { executor, requests } = recordingExecutor();
    const txid = 'C5'.repeat(32);
    await handlerOf(executor, TOPICS.hotWalletSwept)(
      noTransaction,
      message(
        TOPICS.hotWalletSwept,
        {
          txid,
          batchId: orderId,
          sweptKoinu: (180n * DOGE).toString(),
          minerFeeKoinu: '226000',
          coldOutputs: [`${txid}:0`],
          blockHash: 'cd'.repeat(32),
          blockHeight: 300,
          confirmations: 6,
        },
        'withdrawal-saga',
      ),
    );
    await handlerOf(executor, TOPICS.hotWalletRefilled)(
      noTransaction,
      message(
        TOPICS.hotWalletRefilled,
        {
          txid,
          vout: 1,
          amountKoinu: (50n * DOGE).toString(),
          address: REGTEST_ADDRESS,
          declaredBy: 'alice',
        },
        'withdrawal-saga',
      ),
    );
    expect(requests.map((request) => [request.command, request.scope, request.idempotencyKey])).to.deep.equal(
      [
        [
          { type: 'RecordSweep', txid: 'c5'.repeat(32), sweptKoinu: 180n * DOGE, minerFeeKoinu: 226_000n },
          'service:withdrawal-saga',
          `sweep:${'c5'.repeat(32)}`,
        ],
        [
          { type: 'RecordRefill', txid: 'c5'.repeat(32), vout: 1, amountKoinu: 50n * DOGE },
          'service:withdrawal-saga',
          `refill:${'c5'.repeat(32)}:1`,
        ],
      ],
    );
  });

  it('dead-letter a payload that does not fit its schema before any command runs', async () => {
    const { executor, requests } = recordingExecutor();
    const failure = await failureOf(
      handlerOf(executor, TOPICS.depositConfirmed)(
        noTransaction,
        message(TOPICS.depositConfirmed, { ...depositConfirmed, vout: '0' }, 'deposit-watcher'),
      ),
    );
    expect(failure).to.be.instanceOf(PayloadContractError);
    expect(failure.message).to.match(/^CONTRACT_PAYLOAD_INVALID: deposit\.confirmed payload .*vout/);
    expect(requests).to.deep.equal([]);
  });

  it("dead-letter a payload that breaks the wallet's rules, naming the topic and the field", async () => {
    const cases: [Topic, unknown, RegExp][] = [
      [
        TOPICS.escrowLockRequested,
        { ...lockRequested, amountKoinu: '1.5' },
        /^escrow\.lock-requested payload is invalid: amountKoinu/,
      ],
      [
        TOPICS.escrowLockRequested,
        { ...lockRequested, idempotencyKey: 'has spaces' },
        /^escrow\.lock-requested payload is invalid/,
      ],
      [TOPICS.escrowLockRequested, { ...lockRequested, buyerId: 'not-a-uuid' }, /buyerId/],
      [
        TOPICS.depositConfirmed,
        { ...depositConfirmed, txid: 'xyz' },
        /^deposit\.confirmed payload is invalid: txid/,
      ],
      [TOPICS.depositConfirmed, { ...depositConfirmed, amountKoinu: '0' }, /amountKoinu/],
    ];
    for (const [topic, payload, reason] of cases) {
      const { executor, requests } = recordingExecutor();
      const failure = await failureOf(
        handlerOf(executor, topic)(noTransaction, message(topic, payload, 'x')),
      );
      expect(failure, String(reason)).to.be.instanceOf(UnprocessableEventError);
      expect(failure.message).to.match(reason);
      expect(requests).to.deep.equal([]);
    }
  });

  it('answer a refused command but dead-letter a refused event', async () => {
    const refused: CommandOutcome = {
      kind: 'rejected',
      error: { code: 'WALLET_INSUFFICIENT_FUNDS', message: 'not enough' } as never,
      replayed: false,
    };
    const command = recordingExecutor(refused);
    await handlerOf(command.executor, TOPICS.escrowLockRequested)(
      noTransaction,
      message(TOPICS.escrowLockRequested, lockRequested, 'order'),
    );
    const event = recordingExecutor(refused);
    const failure = await failureOf(
      handlerOf(event.executor, TOPICS.depositConfirmed)(
        noTransaction,
        message(TOPICS.depositConfirmed, depositConfirmed, 'deposit-watcher'),
      ),
    );
    expect(failure).to.be.instanceOf(UnprocessableEventError);
    expect(failure.message).to.equal('deposit.confirmed rejected: WALLET_INSUFFICIENT_FUNDS: not enough');
  });
});
