/**
 * Deposits as the deposit watcher reports them: detected (shown as incoming, not spendable),
 * confirmations changed, confirmed (credited to available exactly once per txid:vout) and reversed
 * (dropped; a credited deposit is never clawed back silently: it is flagged for review and alerted).
 */
import { reject, type DecisionContext, type Decision } from './decision.js';
import type {
  CreditDeposit,
  RecordIncomingDeposit,
  ReverseDeposit,
  UpdateDepositConfirmations,
} from './commands.js';
import { depositCredited, depositReversalFlagged, type DomainEvent } from './events.js';
import { platformPosting, userPosting, type Posting } from './postings.js';
import { depositKey, type Book, type Deposit } from './types.js';
import { depositView } from './views.js';

function accepted(
  deposit: Deposit | null,
  changed: boolean,
  postings: Posting[] = [],
  events: DomainEvent[] = [],
): Decision {
  return {
    ok: true,
    postings,
    reference: { type: 'tx', id: deposit ? depositKey(deposit.txid, deposit.vout) : 'none' },
    changes: deposit && changed ? [{ kind: 'deposit', value: deposit }] : [],
    events,
    result: { kind: 'deposit', deposit: deposit ? depositView(deposit) : null },
  };
}

/**
 * A deposit is credited only to the user its address was assigned to. A deposit.detected or
 * deposit.confirmed naming another user (or an address the wallet never handed out) is refused: the
 * watcher only reports outputs to assigned addresses, so anything else is a bug or a forged event.
 */
function notTheAddressOwner(book: Book, userId: string, address: string): Decision | null {
  if (book.depositAddressOwners.get(address) === userId) return null;
  return reject(
    'WALLET_DEPOSIT_ADDRESS_NOT_USERS',
    `deposit address ${address} is not the deposit address assigned to user ${userId}`,
  );
}

/** The same txid:vout must always name the same user and amount; anything else is a watcher bug. */
function mismatch(existing: Deposit, userId: string, amountKoinu: bigint | null): Decision | null {
  if (existing.userId !== userId) {
    return reject(
      'WALLET_DEPOSIT_USER_MISMATCH',
      `deposit ${existing.txid}:${existing.vout} belongs to another user`,
    );
  }
  if (amountKoinu !== null && existing.amountKoinu !== amountKoinu) {
    return reject(
      'WALLET_DEPOSIT_AMOUNT_MISMATCH',
      `deposit ${existing.txid}:${existing.vout} was recorded with another amount`,
    );
  }
  return null;
}

export function decideRecordIncomingDeposit(
  book: Book,
  command: RecordIncomingDeposit,
  ctx: DecisionContext,
): Decision {
  if (command.amountKoinu <= 0n)
    return reject('WALLET_AMOUNT_INVALID', 'deposit amount must be greater than zero');
  const existing = book.deposits.get(depositKey(command.txid, command.vout));
  if (existing) {
    const refused = mismatch(existing, command.userId, command.amountKoinu);
    if (refused) return refused;
    if (existing.status === 'CREDITED') return accepted(existing, false);
    // The same report again (a watcher re-emitting it) changes nothing, not even updatedAt.
    if (
      existing.status === 'INCOMING' &&
      existing.confirmations === command.confirmations &&
      existing.blockHash === command.blockHash &&
      existing.blockHeight === command.blockHeight &&
      existing.address === command.address
    ) {
      return accepted(existing, false);
    }
  }
  // Checked only where the deposit is about to be recorded or credited: a replay of one already
  // recorded or credited stays the no-op above, whatever deposit_addresses says today.
  const notOwner = notTheAddressOwner(book, command.userId, command.address);
  if (notOwner) return notOwner;
  const deposit: Deposit = {
    txid: command.txid,
    vout: command.vout,
    userId: command.userId,
    address: command.address,
    amountKoinu: command.amountKoinu,
    confirmations: command.confirmations,
    blockHash: command.blockHash,
    blockHeight: command.blockHeight,
    // A deposit that left the chain and came back (detected again) is incoming again.
    status: 'INCOMING',
    reversedAfterCreditAt: null,
    reversalReason: null,
    reversedEventAt: existing?.reversedEventAt ?? null,
    detectedAt: existing?.detectedAt ?? ctx.now,
    creditedAt: null,
    updatedAt: ctx.now,
  };
  return accepted(deposit, true);
}

export function decideUpdateDepositConfirmations(
  book: Book,
  command: UpdateDepositConfirmations,
  ctx: DecisionContext,
): Decision {
  const existing = book.deposits.get(depositKey(command.txid, command.vout));
  // Topics are not ordered against each other: a change for a deposit not detected yet is dropped,
  // and the deposit shows the confirmations of its detection (or of a later change) instead.
  if (!existing) return accepted(null, false);
  const refused = mismatch(existing, command.userId, null);
  if (refused) return refused;
  if (existing.status !== 'INCOMING') return accepted(existing, false);
  if (
    existing.confirmations === command.confirmations &&
    existing.blockHash === command.blockHash &&
    existing.blockHeight === command.blockHeight
  ) {
    return accepted(existing, false);
  }
  const updated: Deposit = {
    ...existing,
    confirmations: command.confirmations,
    blockHash: command.blockHash,
    blockHeight: command.blockHeight,
    updatedAt: ctx.now,
  };
  return accepted(updated, true);
}

export function decideCreditDeposit(book: Book, command: CreditDeposit, ctx: DecisionContext): Decision {
  if (command.amountKoinu <= 0n)
    return reject('WALLET_AMOUNT_INVALID', 'deposit amount must be greater than zero');
  const existing = book.deposits.get(depositKey(command.txid, command.vout));
  if (existing) {
    const refused = mismatch(existing, command.userId, command.amountKoinu);
    if (refused) return refused;
    if (existing.status === 'CREDITED') return accepted(existing, false);
    // deposit.confirmed and deposit.reversed travel on different topics, so a confirmation the watcher
    // emitted BEFORE a reversal can arrive after it. Crediting it would credit coins that left the chain.
    if (
      existing.status === 'REVERSED' &&
      existing.reversedEventAt !== null &&
      command.eventOccurredAt <= existing.reversedEventAt
    ) {
      const reason = 'deposit.confirmed arrived after a later deposit.reversed; not credited';
      return accepted(existing, false, [], [depositReversalFlagged(existing, reason, 'WARNING')]);
    }
  }
  const notOwner = notTheAddressOwner(book, command.userId, command.address);
  if (notOwner) return notOwner;
  const credited: Deposit = {
    txid: command.txid,
    vout: command.vout,
    userId: command.userId,
    address: command.address,
    amountKoinu: command.amountKoinu,
    confirmations: command.confirmations,
    blockHash: command.blockHash,
    blockHeight: command.blockHeight,
    status: 'CREDITED',
    reversedAfterCreditAt: null,
    reversalReason: null,
    reversedEventAt: existing?.reversedEventAt ?? null,
    detectedAt: existing?.detectedAt ?? ctx.now,
    creditedAt: ctx.now,
    updatedAt: ctx.now,
  };
  const postings = [
    platformPosting('CHAIN_CLEARING', -command.amountKoinu, 'DEPOSIT'),
    userPosting(command.userId, 'AVAILABLE', command.amountKoinu, 'DEPOSIT'),
  ];
  return accepted(credited, true, postings, [depositCredited(credited)]);
}

export function decideReverseDeposit(book: Book, command: ReverseDeposit, ctx: DecisionContext): Decision {
  const existing = book.deposits.get(depositKey(command.txid, command.vout));
  if (existing) {
    const refused = mismatch(existing, command.userId, command.amountKoinu);
    if (refused) return refused;
  }
  if (existing?.status === 'CREDITED') {
    if (existing.reversedAfterCreditAt !== null) return accepted(existing, false);
    // Decision (docs/wallet.md): no automatic claw-back. The user may have spent the coins inside the
    // platform already; the ledger keeps the credit, the deposit is flagged and a human decides.
    const flagged: Deposit = {
      ...existing,
      reversedAfterCreditAt: ctx.now,
      reversalReason: command.reason,
      updatedAt: ctx.now,
    };
    const reason = `credited deposit left the chain: ${command.reason}`;
    return accepted(flagged, true, [], [depositReversalFlagged(flagged, reason, 'CRITICAL')]);
  }
  const reversed: Deposit = {
    txid: command.txid,
    vout: command.vout,
    userId: command.userId,
    address: command.address,
    amountKoinu: command.amountKoinu,
    confirmations: 0,
    blockHash: null,
    blockHeight: null,
    status: 'REVERSED',
    reversedAfterCreditAt: null,
    reversalReason: command.reason,
    reversedEventAt: command.eventOccurredAt,
    detectedAt: existing?.detectedAt ?? ctx.now,
    creditedAt: null,
    updatedAt: ctx.now,
  };
  return accepted(reversed, true);
}
