/**
 * The wallet's one entry into the pure domain: decide(book, command, ctx) says what a command would
 * do; applyDecision(book, decision) does it to the in-memory book and returns the ledger entries and
 * events to persist. The executor calls both for each command of a batch in order, so a later
 * command of the batch sees the effects of the earlier ones.
 */
import { decideConvertBid, decideLockBid, decideUnlockBid } from './bids.js';
import { decideRecordRefill, decideRecordSweep } from './cold-storage.js';
import type { Command } from './commands.js';
import type { AggregateChange, Decision, DecisionContext } from './decision.js';
import {
  decideCreditDeposit,
  decideRecordIncomingDeposit,
  decideReverseDeposit,
  decideUpdateDepositConfirmations,
} from './deposits.js';
import { invariant } from './errors.js';
import {
  decideDisputeEscrow,
  decidePayOrder,
  decideRefundEscrow,
  decideReleaseEscrow,
  decideResolveDispute,
} from './escrow.js';
import { balanceChanged, type DomainEvent } from './events.js';
import { applyPostings, type LedgerEntryDraft } from './postings.js';
import { bidLockKey, depositKey, type Book } from './types.js';
import { decideFailWithdrawal, decideFinalizeWithdrawal, decideRequestWithdrawal } from './withdrawals.js';

export function decide(book: Book, command: Command, ctx: DecisionContext): Decision {
  switch (command.type) {
    case 'PayOrder':
      return decidePayOrder(book, command, ctx);
    case 'ReleaseEscrow':
      return decideReleaseEscrow(book, command, ctx);
    case 'RefundEscrow':
      return decideRefundEscrow(book, command, ctx);
    case 'DisputeEscrow':
      return decideDisputeEscrow(book, command, ctx);
    case 'ResolveDispute':
      return decideResolveDispute(book, command, ctx);
    case 'LockBid':
      return decideLockBid(book, command, ctx);
    case 'UnlockBid':
      return decideUnlockBid(book, command, ctx);
    case 'ConvertBid':
      return decideConvertBid(book, command, ctx);
    case 'RequestWithdrawal':
      return decideRequestWithdrawal(book, command, ctx);
    case 'FinalizeWithdrawal':
      return decideFinalizeWithdrawal(book, command, ctx);
    case 'FailWithdrawal':
      return decideFailWithdrawal(book, command, ctx);
    case 'RecordIncomingDeposit':
      return decideRecordIncomingDeposit(book, command, ctx);
    case 'UpdateDepositConfirmations':
      return decideUpdateDepositConfirmations(book, command, ctx);
    case 'CreditDeposit':
      return decideCreditDeposit(book, command, ctx);
    case 'ReverseDeposit':
      return decideReverseDeposit(book, command, ctx);
    case 'RecordSweep':
      return decideRecordSweep(book, command);
    case 'RecordRefill':
      return decideRecordRefill(book, command);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

export interface AppliedDecision {
  entries: LedgerEntryDraft[];
  /** The decision's events followed by one balance.changed per wallet whose money moved. */
  events: DomainEvent[];
  touchedUserIds: string[];
  createdUserIds: string[];
  changes: AggregateChange[];
}

function storeChange(book: Book, change: AggregateChange): void {
  switch (change.kind) {
    case 'escrow':
      book.escrows.set(change.value.orderId, change.value);
      return;
    case 'bidLock':
      book.bidLocks.set(bidLockKey(change.value.auctionId, change.value.userId), change.value);
      return;
    case 'withdrawal':
      book.withdrawals.set(change.value.id, change.value);
      return;
    case 'deposit':
      book.deposits.set(depositKey(change.value.txid, change.value.vout), change.value);
      return;
    default: {
      const unknown: never = change;
      throw new Error(`unknown aggregate change ${JSON.stringify(unknown)}`);
    }
  }
}

/** Applies an accepted decision to the book. Throws WalletInvariantViolation on any broken money rule. */
export function applyDecision(book: Book, decision: Decision & { ok: true }): AppliedDecision {
  const applied = applyPostings(book, decision.postings, decision.reference);
  for (const change of decision.changes) storeChange(book, change);
  const balanceEvents: DomainEvent[] = applied.touchedUserIds.map((userId) => {
    const wallet = book.wallets.get(userId);
    invariant(wallet !== undefined, `touched wallet ${userId} vanished`);
    const cause = decision.postings.find((p) => p.account.kind === 'user' && p.account.userId === userId);
    invariant(cause !== undefined, `no posting for touched wallet ${userId}`);
    return balanceChanged(wallet, cause.entryType, decision.reference.type, decision.reference.id);
  });
  return {
    entries: applied.entries,
    events: [...decision.events, ...balanceEvents],
    touchedUserIds: applied.touchedUserIds,
    createdUserIds: applied.createdUserIds,
    changes: decision.changes,
  };
}
