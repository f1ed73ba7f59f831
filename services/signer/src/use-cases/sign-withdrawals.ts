/**
 * The one use case of the signer: answer a signing request. Parse it, lock and read the signing log,
 * let the policy decide on the exact PSBT bytes, then record the outcome and enqueue the answer in
 * the same transaction (the consumer's inbox transaction), so an answer exists if and only if the
 * log says so.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EventMessage } from '@dbay/platform';
import type { AccountKeys } from '../domain/account-keys.js';
import { decideSigning, type SignedTransaction, type SigningDecision } from '../domain/decide-signing.js';
import type { SigningRefusal } from '../domain/refusal.js';
import { parseSigningRequest } from '../domain/signing-request.js';
import type { SigningPolicy } from '../domain/signing-policy.js';
import {
  findBumpOf,
  findSigningOfRequest,
  findSigningsPaying,
  insertRefusal,
  insertSigning,
  lockSigningLog,
  outflowLast24h,
  type RequestMeta,
} from '../adapters/signing-log-repository.js';
import {
  enqueueTopicEvent,
  TOPICS,
  type TopicEvent,
  type WithdrawalSignedPayload,
  type WithdrawalSigningRefusedPayload,
} from '@dbay/contracts';

export type DecisionOutcome = SigningDecision['kind'];

/** The two answers the signer produces, keyed by the request id. */
type SignerAnswerTopic = typeof TOPICS.withdrawalSigned | typeof TOPICS.withdrawalSigningRefused;

export interface SignerDependencies {
  keys: AccountKeys;
  policy: SigningPolicy;
  /** Counts decisions for /metrics. */
  recordDecision: (outcome: DecisionOutcome, code: string) => void;
}

function signedPayload(requestId: string, transaction: SignedTransaction): WithdrawalSignedPayload {
  return {
    requestId,
    withdrawalIds: transaction.withdrawals.map((w) => w.withdrawalId),
    txid: transaction.txid,
    rawTransactionHex: transaction.rawTransactionHex,
    feeKoinu: transaction.feeKoinu.toString(),
    transactionSizeBytes: transaction.sizeBytes,
    changeOutputIndex: transaction.changeOutputIndex,
  };
}

function refusedPayload(
  requestId: string,
  withdrawalIds: string[],
  refusal: SigningRefusal,
): WithdrawalSigningRefusedPayload {
  return { requestId, withdrawalIds, reasonCode: refusal.code, reason: refusal.reason };
}

/** What a refusal of an unparseable request can still echo back. */
function looseIdentity(payload: unknown): { requestId: string; withdrawalIds: string[] } {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const requestId =
    typeof record.requestId === 'string' && record.requestId.length > 0 ? record.requestId : 'unknown';
  const withdrawals = Array.isArray(record.withdrawals) ? (record.withdrawals as unknown[]) : [];
  const withdrawalIds = withdrawals
    .map((w) =>
      typeof w === 'object' && w !== null ? (w as Record<string, unknown>).withdrawalId : undefined,
    )
    .filter((id): id is string => typeof id === 'string');
  return { requestId, withdrawalIds };
}

export async function answerSigningRequest(
  deps: SignerDependencies,
  trx: Knex.Transaction,
  event: EventMessage,
  logger: Logger,
): Promise<DecisionOutcome> {
  const answer = (answerEvent: TopicEvent<SignerAnswerTopic>) =>
    enqueueTopicEvent(trx, {
      ...answerEvent,
      correlationId: event.envelope.correlationId,
      causationId: event.envelope.eventId,
    });

  const parsed = parseSigningRequest(event.payload);
  if (!parsed.ok) {
    const { requestId, withdrawalIds } = looseIdentity(event.payload);
    const meta: RequestMeta = {
      requestId,
      requestEventId: event.envelope.eventId,
      correlationId: event.envelope.correlationId,
    };
    await insertRefusal(trx, parsed.refusal, withdrawalIds, meta);
    await answer({
      topic: TOPICS.withdrawalSigningRefused,
      key: requestId,
      payload: refusedPayload(requestId, withdrawalIds, parsed.refusal),
    });
    logger.warn(
      { requestId, code: parsed.refusal.code, reason: parsed.refusal.reason },
      'signing request refused',
    );
    deps.recordDecision('refused', parsed.refusal.code);
    return 'refused';
  }

  const request = parsed.request;
  const withdrawalIds = request.withdrawals.map((w) => w.withdrawalId);
  const meta: RequestMeta = {
    requestId: request.requestId,
    requestEventId: event.envelope.eventId,
    correlationId: event.envelope.correlationId,
  };
  await lockSigningLog(trx);
  const history = {
    previousSignings: await findSigningsPaying(trx, withdrawalIds),
    outflowLast24hKoinu: await outflowLast24h(trx),
    previousBump: request.bumpedTxid === null ? undefined : await findBumpOf(trx, request.bumpedTxid),
    previousOfRequest:
      request.purpose === 'SWEEP' ? await findSigningOfRequest(trx, request.requestId) : undefined,
  };
  const decision = decideSigning(request, deps.keys, history, deps.policy);

  switch (decision.kind) {
    case 'signed':
      await insertSigning(trx, decision.transaction, meta);
      await answer({
        topic: TOPICS.withdrawalSigned,
        key: request.requestId,
        payload: signedPayload(request.requestId, decision.transaction),
      });
      logger.info(
        {
          requestId: request.requestId,
          txid: decision.transaction.txid,
          withdrawals: withdrawalIds.length,
          feeKoinu: decision.transaction.feeKoinu.toString(),
        },
        'withdrawal transaction signed',
      );
      deps.recordDecision('signed', 'OK');
      break;
    case 'replayed':
      // Nothing new is signed or logged; the stored answer is sent again, byte for byte.
      await answer({
        topic: TOPICS.withdrawalSigned,
        key: request.requestId,
        payload: signedPayload(request.requestId, decision.transaction),
      });
      logger.info(
        { requestId: request.requestId, txid: decision.transaction.txid },
        'replayed signing request answered from the signing log',
      );
      deps.recordDecision('replayed', 'OK');
      break;
    case 'refused':
      await insertRefusal(trx, decision.refusal, withdrawalIds, meta);
      await answer({
        topic: TOPICS.withdrawalSigningRefused,
        key: request.requestId,
        payload: refusedPayload(request.requestId, withdrawalIds, decision.refusal),
      });
      logger.warn(
        { requestId: request.requestId, code: decision.refusal.code, reason: decision.refusal.reason },
        'signing request refused',
      );
      deps.recordDecision('refused', decision.refusal.code);
      break;
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
    }
  }
  return decision.kind;
}
