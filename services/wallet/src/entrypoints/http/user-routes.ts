/**
 * The user API under /v1. Every route takes the user id from the verified token and from nowhere
 * else, so a user can only ever read or move their own money.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_CONFIRMATION_DEPTH } from '@dbay/dogecoin';
import type { CommandExecutor } from '../../command-executor.js';
import { DepositAddressUnavailableError, type DepositAddresses } from '../../adapters/deposit-addresses.js';
import type { OwnAddresses } from '../../adapters/own-addresses.js';
import type { WalletQueries } from '../../adapters/queries.js';
import type { RouteDoc, TokenVerifier } from '@dbay/platform';
import { walletError, type WalletErrorCode } from './error-table.js';
import {
  presentBalance,
  presentDeposit,
  presentDepositAddress,
  presentLedgerEntry,
  presentWithdrawalDetail,
  presentWithdrawalPolicy,
  presentWithdrawalView,
  presentWithdrawalWithProgress,
} from './present.js';
import {
  balanceBody,
  depositAddressBody,
  depositsBody,
  ledgerBody,
  withdrawalBody as withdrawalAnswer,
  withdrawalDetailBody,
  withdrawalPolicyBody,
  withdrawalsBody,
} from './responses.js';
import {
  authenticate,
  correlationOf,
  dogeAmount,
  idempotencyKeyOf,
  parseBody,
  principalOf,
  respondWithCommand,
  scopeOf,
  userIdOf,
  uuid,
} from './request.js';

const PAGE_MAX = 100;
const PAGE_DEFAULT = 50;
/** Confirmations after which the deposit watcher reports a deposit confirmed (CONVENTIONS.md). */
export const DEPOSIT_CONFIRMATIONS = DEFAULT_CONFIRMATION_DEPTH;

const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT),
    before: z
      .string()
      .regex(/^\d{1,18}$/, 'must be a cursor from a previous page')
      .optional(),
  })
  .strict();

const withdrawalBody = z.object({ destinationAddress: z.string().max(100), amount: dogeAmount }).strict();
const withdrawalIdParam = z.object({ withdrawalId: uuid }).strict();
const emptyBody = z.object({}).strict();
const limitQuery = pageQuery.pick({ limit: true });
const withdrawalPageQuery = z
  .object({
    limit: pageQuery.shape.limit,
    before: uuid.optional().meta({ description: "the previous page's nextCursor" }),
  })
  .strict();

/** The routes below as the OpenAPI document shows them (openapi.ts mounts them at /v1, as app.ts does). */
export const userRouteDocs: readonly RouteDoc<WalletErrorCode>[] = [
  {
    method: 'get',
    path: '/balance',
    summary: 'Your balance: available, locked (escrow, bids), pending (withdrawals), in DOGE',
    auth: 'user',
    responses: { 200: { description: 'The balance', schema: balanceBody } },
    errors: ['WALLET_NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/withdrawal-policy',
    summary: 'What a withdrawal costs and allows: the flat network fee and the minimum amount, in DOGE',
    auth: 'user',
    responses: { 200: { description: 'The policy', schema: withdrawalPolicyBody } },
  },
  {
    method: 'get',
    path: '/ledger',
    summary: 'Your ledger entries, newest first, a page at a time',
    auth: 'user',
    query: pageQuery,
    responses: { 200: { description: 'A page of entries', schema: ledgerBody } },
  },
  {
    method: 'post',
    path: '/withdrawals',
    summary: 'Request a withdrawal to an external address (available -> pending)',
    auth: 'user',
    idempotencyKey: true,
    body: withdrawalBody,
    responses: { 201: { description: 'The withdrawal, REQUESTED', schema: withdrawalAnswer } },
    errors: [
      'WITHDRAWAL_ADDRESS_INVALID',
      'WITHDRAWAL_TO_OWN_ADDRESS',
      'WALLET_NOT_FOUND',
      'WALLET_WITHDRAWAL_ALREADY_EXISTS',
      'WALLET_INSUFFICIENT_FUNDS',
      'WALLET_WITHDRAWAL_BELOW_MINIMUM',
      'WALLET_BUSY',
      'WALLET_UNAVAILABLE',
    ],
  },
  {
    method: 'get',
    path: '/withdrawals',
    summary: 'Your withdrawals, newest first, a page at a time (nextCursor -> before)',
    auth: 'user',
    query: withdrawalPageQuery,
    responses: { 200: { description: 'Your withdrawals', schema: withdrawalsBody } },
  },
  {
    method: 'get',
    path: '/withdrawals/:withdrawalId',
    summary: 'One of your withdrawals',
    auth: 'user',
    params: withdrawalIdParam,
    responses: {
      200: {
        description: 'The withdrawal, with its txid, confirmations and timeline',
        schema: withdrawalDetailBody,
      },
    },
    errors: ['WALLET_WITHDRAWAL_NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/deposits',
    summary: 'Your deposits (incoming and confirmed), newest first',
    auth: 'user',
    query: limitQuery,
    responses: { 200: { description: 'Your deposits', schema: depositsBody } },
  },
  {
    method: 'get',
    path: '/deposit-address',
    summary: 'Your deposit address',
    auth: 'user',
    responses: { 200: { description: 'The address', schema: depositAddressBody } },
    errors: ['WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED'],
  },
  {
    method: 'post',
    path: '/deposit-address',
    summary: 'Get your deposit address, assigning it on the first call (always the same one)',
    auth: 'user',
    idempotencyKey: true,
    body: emptyBody,
    responses: { 200: { description: 'The address', schema: depositAddressBody } },
    errors: ['WALLET_DEPOSIT_ADDRESSES_UNCONFIGURED'],
  },
];

/** What a withdrawal costs and allows, shown before the user confirms one (GET /v1/withdrawal-policy). */
export interface WithdrawalPolicyView {
  minimumKoinu: bigint;
  networkFeeKoinu: bigint;
}

export interface UserRoutesDeps {
  executor: CommandExecutor;
  withdrawalPolicy: WithdrawalPolicyView;
  queries: WalletQueries;
  depositAddresses: DepositAddresses;
  ownAddresses: OwnAddresses;
  verifier: TokenVerifier;
}

export function userRoutes({
  executor,
  withdrawalPolicy,
  queries,
  depositAddresses,
  ownAddresses,
  verifier,
}: UserRoutesDeps): Router {
  const router = Router();
  router.use(authenticate(verifier, { kind: 'user' }));

  router.get('/balance', async (_req, res) => {
    const userId = userIdOf(res);
    const wallet = await queries.wallet(userId);
    if (!wallet)
      throw walletError('WALLET_NOT_FOUND', 'you have no wallet yet: request a deposit address first');
    res.json(presentBalance(wallet));
  });

  // The same numbers the withdrawal request is decided with, so the form's fee and total are the truth.
  router.get('/withdrawal-policy', (_req, res) => {
    res.json(presentWithdrawalPolicy(withdrawalPolicy));
  });

  router.get('/ledger', async (req, res) => {
    const userId = userIdOf(res);
    const { limit, before } = parseBody(pageQuery, req.query);
    const entries = await queries.ledger(userId, limit, before);
    const last = entries.at(-1);
    res.json({
      entries: entries.map(presentLedgerEntry),
      nextCursor: entries.length === limit && last ? last.seq : null,
    });
  });

  router.post('/withdrawals', async (req, res) => {
    const userId = userIdOf(res);
    const idempotencyKey = idempotencyKeyOf(req);
    const body = parseBody(withdrawalBody, req.body);
    // Refused before the command exists: nothing is reserved, booked or published (docs/wallet.md).
    // The message does not say which kind: whose deposit address it is is nobody else's business.
    if ((await ownAddresses.kindOf(body.destinationAddress)) !== undefined) {
      throw walletError(
        'WITHDRAWAL_TO_OWN_ADDRESS',
        'the destination is an address of the platform itself; withdraw to an address outside the platform',
      );
    }
    await respondWithCommand(
      executor,
      {
        command: {
          type: 'RequestWithdrawal',
          withdrawalId: randomUUID(),
          userId,
          destinationAddress: body.destinationAddress,
          amountKoinu: body.amount,
        },
        scope: scopeOf(principalOf(res)),
        idempotencyKey,
        correlationId: correlationOf(res),
        causationId: null,
      },
      res,
      201,
      (result) => {
        if (result.kind !== 'withdrawal')
          throw new Error(`unexpected ${result.kind} result for a withdrawal`);
        return presentWithdrawalView(result.withdrawal);
      },
    );
  });

  router.get('/withdrawals', async (req, res) => {
    const userId = userIdOf(res);
    const { limit, before } = parseBody(withdrawalPageQuery, req.query);
    const withdrawals = await queries.withdrawals(userId, limit, before);
    const steps = await queries.withdrawalSteps(withdrawals);
    const last = withdrawals.at(-1);
    res.json({
      withdrawals: withdrawals.map((withdrawal) => presentWithdrawalWithProgress(withdrawal, steps)),
      nextCursor: withdrawals.length === limit && last ? last.id : null,
    });
  });

  router.get('/withdrawals/:withdrawalId', async (req, res) => {
    const userId = userIdOf(res);
    const { withdrawalId } = parseBody(withdrawalIdParam, req.params);
    const withdrawal = await queries.withdrawal(userId, withdrawalId);
    // Another user's withdrawal is "not found" too: its existence is not this user's business.
    if (!withdrawal)
      throw walletError('WALLET_WITHDRAWAL_NOT_FOUND', `you have no withdrawal ${withdrawalId}`);
    res.json(presentWithdrawalDetail(withdrawal, await queries.withdrawalSteps([withdrawal])));
  });

  router.get('/deposits', async (req, res) => {
    const userId = userIdOf(res);
    const { limit } = parseBody(limitQuery, req.query);
    const deposits = await queries.deposits(userId, limit);
    res.json({ requiredConfirmations: DEPOSIT_CONFIRMATIONS, deposits: deposits.map(presentDeposit) });
  });

  router.get('/deposit-address', async (_req, res) => {
    const userId = userIdOf(res);
    const address = await depositAddresses.find(userId);
    if (!address)
      throw walletError(
        'WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED',
        'no deposit address yet: POST /v1/deposit-address',
      );
    res.json(presentDepositAddress(address));
  });

  router.post('/deposit-address', async (req, res) => {
    const userId = userIdOf(res);
    idempotencyKeyOf(req);
    parseBody(emptyBody, req.body);
    try {
      // Naturally idempotent: one address per user, whatever the key. The key is still required so
      // every POST of the API follows one rule.
      const { address, created } = await depositAddresses.assign(userId, correlationOf(res));
      // Always 200, so a repeated POST answers exactly like the first one.
      void created;
      res.status(200).json(presentDepositAddress(address));
    } catch (error) {
      if (error instanceof DepositAddressUnavailableError)
        throw walletError('WALLET_DEPOSIT_ADDRESSES_UNCONFIGURED', error.message);
      throw error;
    }
  });

  return router;
}
