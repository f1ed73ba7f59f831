/**
 * The response bodies of the wallet's HTTP API as zod schemas, for its OpenAPI document (openapi.ts)
 * and the specs that check real answers against it. Production never parses with them. Each is checked
 * at compile time against what present.ts really returns (`fits`), and the objects are strict, so a
 * field the presenters add without documenting it fails the integration specs.
 */
import { z } from 'zod';
import type {
  presentBalance,
  presentBalanceKoinu,
  presentDepositAddress,
  presentDepositView,
  presentInternal,
  presentLedgerEntry,
  presentWithdrawalDetail,
  presentWithdrawalPolicy,
  presentWithdrawalView,
  presentWithdrawalWithProgress,
} from './present.js';

const doge = z
  .string()
  .regex(/^\d+\.\d{8}$/)
  .meta({ description: 'DOGE, 8 decimals', examples: ['12.50000000'] });
const koinu = z
  .string()
  .regex(/^\d+$/)
  .meta({ description: 'integer koinu', examples: ['1250000000'] });
const timestamp = z.string().meta({ description: 'ISO-8601 time' });

/** Compile-time: every answer the presenter can give is a value of the schema. */
type Fits<Presented, Schema extends z.ZodType> = [Presented] extends [z.output<Schema>] ? true : never;

export const balanceBody = z.strictObject({
  userId: z.string(),
  available: doge,
  locked: doge,
  pending: doge,
  total: doge,
  version: z.number().int(),
});
export const balanceKoinuBody = z.strictObject({
  userId: z.string(),
  availableKoinu: koinu,
  lockedKoinu: koinu,
  pendingKoinu: koinu,
  version: z.number().int(),
});
const ledgerEntry = z.strictObject({
  entryId: z.string(),
  transactionId: z.string(),
  entryType: z.string(),
  bucket: z.string(),
  debit: doge,
  credit: doge,
  balanceAfter: doge,
  referenceType: z.string(),
  referenceId: z.string(),
  createdAt: timestamp,
});
export const ledgerBody = z.strictObject({
  entries: z.array(ledgerEntry),
  nextCursor: z.string().nullable().meta({ description: 'pass as `before` for the next page' }),
});
export const withdrawalBody = z
  .strictObject({
    withdrawalId: z.string(),
    destinationAddress: z.string(),
    amount: doge,
    networkFee: doge,
    status: z.string(),
    txid: z.string().nullable(),
    failureCode: z.string().nullable(),
    requestedAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WalletWithdrawal' });
export const withdrawalPolicyBody = z
  .strictObject({
    networkFee: doge.meta({ description: 'added to every withdrawal, paid by the user' }),
    minimum: doge,
    maximum: z.null().meta({ description: 'no limit beyond the available balance' }),
  })
  .meta({ id: 'WalletWithdrawalPolicy' });
/** In a list: the txid as soon as the saga reports one, and the latest confirmation count. */
export const withdrawalProgressBody = withdrawalBody
  .extend({
    confirmations: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'latest confirmation count; null before broadcast' }),
  })
  .meta({ id: 'WalletWithdrawalWithProgress' });
const timelineEntry = z.strictObject({
  step: z.string().meta({ description: 'REQUESTED, then the steps of withdrawal.step-recorded' }),
  at: timestamp,
  txid: z.string().optional(),
  confirmations: z.number().int().optional(),
  reason: z.string().optional(),
});
/** One withdrawal: as in a list, plus its timeline from REQUESTED on. */
export const withdrawalDetailBody = withdrawalProgressBody
  .extend({ timeline: z.array(timelineEntry) })
  .meta({ id: 'WalletWithdrawalDetail' });
export const withdrawalsBody = z.strictObject({
  withdrawals: z.array(withdrawalProgressBody),
  /** The next page's `before`; null on the last page. */
  nextCursor: z.string().nullable(),
});
const deposit = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  address: z.string(),
  amount: doge,
  confirmations: z.number().int(),
  status: z.string(),
  blockHash: z.string().nullable(),
  blockHeight: z.number().int().nullable(),
  flaggedForReview: z.boolean(),
  detectedAt: timestamp,
  creditedAt: timestamp.nullable(),
});
export const depositsBody = z.strictObject({
  requiredConfirmations: z.number().int(),
  deposits: z.array(deposit),
});
export const depositAddressBody = z.strictObject({
  address: z.string(),
  derivationPath: z.string(),
  assignedAt: timestamp,
});

// The internal API answers with the domain's views as they are (koinu strings).
const escrowView = z
  .strictObject({
    escrowId: z.string(),
    orderId: z.string(),
    buyerId: z.string(),
    sellerId: z.string(),
    amountKoinu: koinu,
    feeKoinu: koinu,
    status: z.string(),
    source: z.string(),
    auctionId: z.string().nullable(),
    split: z.strictObject({ buyerRefundKoinu: koinu, sellerCreditKoinu: koinu, feeKoinu: koinu }).nullable(),
  })
  .meta({ id: 'WalletEscrow' });
// A nullable schema with an id renders as allOf [ref, nullable object], which null fails: null is its own branch.
const bidLockView = z.strictObject({
  auctionId: z.string(),
  userId: z.string(),
  amountKoinu: koinu,
  status: z.string(),
  orderId: z.string().nullable(),
});
const withdrawalView = z.strictObject({
  withdrawalId: z.string(),
  userId: z.string(),
  destinationAddress: z.string(),
  amountKoinu: koinu,
  networkFeeKoinu: koinu,
  status: z.string(),
  txid: z.string().nullable(),
  failureCode: z.string().nullable(),
  requestedAt: timestamp,
  updatedAt: timestamp,
});
const depositView = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  userId: z.string(),
  address: z.string(),
  amountKoinu: koinu,
  confirmations: z.number().int(),
  status: z.string(),
  blockHash: z.string().nullable(),
  blockHeight: z.number().int().nullable(),
  flaggedForReview: z.boolean(),
  detectedAt: timestamp,
  creditedAt: timestamp.nullable(),
});
export const escrowBody = z.strictObject({ escrow: escrowView });
export const bidLockBody = z.strictObject({ bidLock: bidLockView, escrow: z.union([escrowView, z.null()]) });
/** A move between the platform's hot wallet and cold account, as the wallet booked it (Kafka only). */
const coldTransferView = z.strictObject({
  direction: z.enum(['SWEEP', 'REFILL']),
  txid: z.string(),
  vout: z.number().int().nullable(),
  amountKoinu: koinu,
  minerFeeKoinu: koinu,
});
/** What an internal command answers: the stored result of the command it ran. */
export const internalResultBody = z
  .union([
    escrowBody,
    bidLockBody,
    z.strictObject({ withdrawal: withdrawalView }),
    z.strictObject({ deposit: z.union([depositView, z.null()]) }),
    z.strictObject({ transfer: coldTransferView }),
  ])
  .meta({ id: 'WalletInternalResult' });

/** POST /internal/commands: one answer per command, in the request's order. */
export const batchResultBody = z
  .strictObject({
    results: z.array(
      z.strictObject({
        status: z.number().int(),
        replayed: z.boolean(),
        body: z.union([
          internalResultBody,
          z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) }),
        ]),
      }),
    ),
  })
  .meta({ id: 'WalletBatchResult' });

export const presenterChecks: [
  Fits<ReturnType<typeof presentBalance>, typeof balanceBody>,
  Fits<ReturnType<typeof presentBalanceKoinu>, typeof balanceKoinuBody>,
  Fits<ReturnType<typeof presentLedgerEntry>, typeof ledgerEntry>,
  Fits<ReturnType<typeof presentWithdrawalView>, typeof withdrawalBody>,
  Fits<ReturnType<typeof presentWithdrawalWithProgress>, typeof withdrawalProgressBody>,
  Fits<ReturnType<typeof presentWithdrawalDetail>, typeof withdrawalDetailBody>,
  Fits<ReturnType<typeof presentWithdrawalPolicy>, typeof withdrawalPolicyBody>,
  Fits<ReturnType<typeof presentDepositView>, typeof deposit>,
  Fits<ReturnType<typeof presentDepositAddress>, typeof depositAddressBody>,
  Fits<ReturnType<typeof presentInternal>, typeof internalResultBody>,
] = [true, true, true, true, true, true, true, true, true, true];
