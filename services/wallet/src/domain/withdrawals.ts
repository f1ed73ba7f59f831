/**
 * Withdrawals: request (available -> pending, amount plus the flat network fee), finalize on
 * withdrawal.confirmed (pending leaves the platform to CHAIN_CLEARING, the fee to NETWORK_FEES, the
 * real miner fee from NETWORK_FEES to CHAIN_CLEARING), fail on withdrawal.failed (pending -> available).
 */
import { validateAddress } from '@dbay/dogecoin';
import { reject, type DecisionContext, type Decision } from './decision.js';
import type { FailWithdrawal, FinalizeWithdrawal, RequestWithdrawal } from './commands.js';
import { withdrawalFinalized, withdrawalReleased, withdrawalRequested } from './events.js';
import { moveBetweenBuckets, platformPosting, userPosting, type Posting } from './postings.js';
import type { Book, Withdrawal } from './types.js';
import { withdrawalView } from './views.js';

export function decideRequestWithdrawal(
  book: Book,
  command: RequestWithdrawal,
  ctx: DecisionContext,
): Decision {
  const { policy } = ctx;
  if (book.withdrawals.has(command.withdrawalId)) {
    return reject('WALLET_WITHDRAWAL_ALREADY_EXISTS', `withdrawal ${command.withdrawalId} already exists`);
  }
  const address = validateAddress(command.destinationAddress, policy.network);
  if (!address.ok)
    return reject('WITHDRAWAL_ADDRESS_INVALID', `destination address is invalid: ${address.reason}`);
  if (command.amountKoinu < policy.withdrawalMinimumKoinu) {
    return reject(
      'WALLET_WITHDRAWAL_BELOW_MINIMUM',
      `the minimum withdrawal is ${policy.withdrawalMinimumKoinu} koinu`,
    );
  }
  const wallet = book.wallets.get(command.userId);
  if (!wallet) return reject('WALLET_NOT_FOUND', `user ${command.userId} has no wallet`);
  const totalKoinu = command.amountKoinu + policy.withdrawalNetworkFeeKoinu;
  if (wallet.availableKoinu < totalKoinu) {
    return reject(
      'WALLET_INSUFFICIENT_FUNDS',
      'available balance is lower than the amount plus the network fee',
    );
  }
  const withdrawal: Withdrawal = {
    id: command.withdrawalId,
    userId: command.userId,
    destinationAddress: command.destinationAddress,
    amountKoinu: command.amountKoinu,
    networkFeeKoinu: policy.withdrawalNetworkFeeKoinu,
    status: 'REQUESTED',
    txid: null,
    minerFeeShareKoinu: null,
    failureCode: null,
    failureReason: null,
    requestedAt: ctx.now,
    updatedAt: ctx.now,
  };
  return {
    ok: true,
    postings: moveBetweenBuckets(command.userId, 'AVAILABLE', 'PENDING', totalKoinu, 'WITHDRAWAL_HOLD'),
    reference: { type: 'withdrawal', id: withdrawal.id },
    changes: [{ kind: 'withdrawal', value: withdrawal }],
    events: [withdrawalRequested(withdrawal)],
    result: { kind: 'withdrawal', withdrawal: withdrawalView(withdrawal) },
  };
}

function ownWithdrawal(book: Book, withdrawalId: string, userId: string): Withdrawal | undefined {
  const withdrawal = book.withdrawals.get(withdrawalId);
  return withdrawal && withdrawal.userId === userId ? withdrawal : undefined;
}

const unchanged = (withdrawal: Withdrawal): Decision => ({
  ok: true,
  postings: [],
  reference: { type: 'withdrawal', id: withdrawal.id },
  changes: [],
  events: [],
  result: { kind: 'withdrawal', withdrawal: withdrawalView(withdrawal) },
});

export function decideFinalizeWithdrawal(
  book: Book,
  command: FinalizeWithdrawal,
  ctx: DecisionContext,
): Decision {
  const withdrawal = ownWithdrawal(book, command.withdrawalId, command.userId);
  if (!withdrawal)
    return reject(
      'WALLET_WITHDRAWAL_NOT_FOUND',
      `user ${command.userId} has no withdrawal ${command.withdrawalId}`,
    );
  // A second withdrawal.confirmed for the same transaction (a re-emitted event) changes nothing.
  if (withdrawal.status === 'FINALIZED' && withdrawal.txid === command.txid) return unchanged(withdrawal);
  if (withdrawal.status !== 'REQUESTED') {
    return reject(
      'WALLET_WITHDRAWAL_WRONG_STATE',
      `withdrawal is ${withdrawal.status}, cannot finalize it with tx ${command.txid}`,
    );
  }
  if (command.minerFeeShareKoinu < 0n)
    return reject('WALLET_AMOUNT_INVALID', 'minerFeeShareKoinu must not be negative');
  const finalized: Withdrawal = {
    ...withdrawal,
    status: 'FINALIZED',
    txid: command.txid,
    minerFeeShareKoinu: command.minerFeeShareKoinu,
    updatedAt: ctx.now,
  };
  const postings: Posting[] = [
    userPosting(withdrawal.userId, 'PENDING', -withdrawal.amountKoinu, 'WITHDRAWAL'),
    platformPosting('CHAIN_CLEARING', withdrawal.amountKoinu, 'WITHDRAWAL'),
  ];
  if (withdrawal.networkFeeKoinu > 0n) {
    postings.push(
      userPosting(withdrawal.userId, 'PENDING', -withdrawal.networkFeeKoinu, 'NETWORK_FEE'),
      platformPosting('NETWORK_FEES', withdrawal.networkFeeKoinu, 'NETWORK_FEE'),
    );
  }
  if (command.minerFeeShareKoinu > 0n) {
    postings.push(
      platformPosting('NETWORK_FEES', -command.minerFeeShareKoinu, 'MINER_FEE'),
      platformPosting('CHAIN_CLEARING', command.minerFeeShareKoinu, 'MINER_FEE'),
    );
  }
  return {
    ok: true,
    postings,
    reference: { type: 'withdrawal', id: withdrawal.id },
    changes: [{ kind: 'withdrawal', value: finalized }],
    events: [withdrawalFinalized(finalized)],
    result: { kind: 'withdrawal', withdrawal: withdrawalView(finalized) },
  };
}

export function decideFailWithdrawal(book: Book, command: FailWithdrawal, ctx: DecisionContext): Decision {
  const withdrawal = ownWithdrawal(book, command.withdrawalId, command.userId);
  if (!withdrawal)
    return reject(
      'WALLET_WITHDRAWAL_NOT_FOUND',
      `user ${command.userId} has no withdrawal ${command.withdrawalId}`,
    );
  if (withdrawal.status === 'FAILED') return unchanged(withdrawal);
  if (withdrawal.status !== 'REQUESTED') {
    return reject(
      'WALLET_WITHDRAWAL_WRONG_STATE',
      `withdrawal is ${withdrawal.status}; a finalized withdrawal cannot fail`,
    );
  }
  const failed: Withdrawal = {
    ...withdrawal,
    status: 'FAILED',
    failureCode: command.reasonCode,
    failureReason: command.reason,
    updatedAt: ctx.now,
  };
  const totalKoinu = withdrawal.amountKoinu + withdrawal.networkFeeKoinu;
  return {
    ok: true,
    postings: moveBetweenBuckets(withdrawal.userId, 'PENDING', 'AVAILABLE', totalKoinu, 'WITHDRAWAL_RELEASE'),
    reference: { type: 'withdrawal', id: withdrawal.id },
    changes: [{ kind: 'withdrawal', value: failed }],
    events: [withdrawalReleased(failed)],
    result: { kind: 'withdrawal', withdrawal: withdrawalView(failed) },
  };
}
