/**
 * Response bodies. The user API speaks DOGE decimal strings ("12.50000000"); the internal API speaks
 * integer koinu strings, like the events, so other services pass the same values both ways.
 */
import { formatDoge } from '@dbay/money';
import type {
  Deposit,
  Wallet,
  Withdrawal,
  CommandResult,
  WithdrawalView,
  DepositView,
} from '../../domain/index.js';
import { depositView, progressOf, withdrawalView } from '../../domain/index.js';
import type { TimelineEntry, WithdrawalStep } from '../../domain/index.js';
import type { DepositAddress } from '../../adapters/deposit-addresses.js';
import type { LedgerEntryView } from '../../adapters/queries.js';

const doge = (koinu: string | bigint): string =>
  formatDoge(typeof koinu === 'bigint' ? koinu : BigInt(koinu));

export function presentBalance(wallet: Wallet) {
  return {
    userId: wallet.userId,
    available: doge(wallet.availableKoinu),
    locked: doge(wallet.lockedKoinu),
    pending: doge(wallet.pendingKoinu),
    total: doge(wallet.availableKoinu + wallet.lockedKoinu + wallet.pendingKoinu),
    version: wallet.version,
  };
}

export function presentBalanceKoinu(wallet: Wallet) {
  return {
    userId: wallet.userId,
    availableKoinu: wallet.availableKoinu.toString(),
    lockedKoinu: wallet.lockedKoinu.toString(),
    pendingKoinu: wallet.pendingKoinu.toString(),
    version: wallet.version,
  };
}

export function presentLedgerEntry(entry: LedgerEntryView) {
  return {
    entryId: entry.entryId,
    transactionId: entry.transactionId,
    entryType: entry.entryType,
    bucket: entry.bucket,
    debit: doge(entry.debitKoinu),
    credit: doge(entry.creditKoinu),
    balanceAfter: doge(entry.balanceAfterKoinu),
    referenceType: entry.referenceType,
    referenceId: entry.referenceId,
    createdAt: entry.createdAt,
  };
}

export function presentWithdrawalView(view: WithdrawalView) {
  return {
    withdrawalId: view.withdrawalId,
    destinationAddress: view.destinationAddress,
    amount: doge(view.amountKoinu),
    networkFee: doge(view.networkFeeKoinu),
    status: view.status,
    txid: view.txid,
    failureCode: view.failureCode,
    requestedAt: view.requestedAt,
    updatedAt: view.updatedAt,
  };
}

export const presentWithdrawal = (withdrawal: Withdrawal) =>
  presentWithdrawalView(withdrawalView(withdrawal));

/** A timeline entry: the optional fields only when the step has them. */
function presentTimelineEntry(entry: TimelineEntry) {
  return {
    step: entry.step,
    at: entry.at,
    ...(entry.txid === null ? {} : { txid: entry.txid }),
    ...(entry.confirmations === null ? {} : { confirmations: entry.confirmations }),
    ...(entry.reason === null ? {} : { reason: entry.reason }),
  };
}

/** A withdrawal in a list: the view plus the txid as soon as one exists and the confirmation count. */
export function presentWithdrawalWithProgress(withdrawal: Withdrawal, steps: readonly WithdrawalStep[]) {
  const { txid, confirmations } = progressOf(withdrawal, steps);
  return { ...presentWithdrawal(withdrawal), txid, confirmations };
}

/** One withdrawal: as in a list, plus its timeline from REQUESTED on. */
export function presentWithdrawalDetail(withdrawal: Withdrawal, steps: readonly WithdrawalStep[]) {
  const { txid, confirmations, timeline } = progressOf(withdrawal, steps);
  return {
    ...presentWithdrawal(withdrawal),
    txid,
    confirmations,
    timeline: timeline.map(presentTimelineEntry),
  };
}

export function presentDepositView(view: DepositView) {
  return {
    txid: view.txid,
    vout: view.vout,
    address: view.address,
    amount: doge(view.amountKoinu),
    confirmations: view.confirmations,
    status: view.status,
    blockHash: view.blockHash,
    blockHeight: view.blockHeight,
    flaggedForReview: view.flaggedForReview,
    detectedAt: view.detectedAt,
    creditedAt: view.creditedAt,
  };
}

export const presentDeposit = (deposit: Deposit) => presentDepositView(depositView(deposit));

export function presentDepositAddress(address: DepositAddress) {
  return { address: address.address, derivationPath: address.derivationPath, assignedAt: address.createdAt };
}

/** Internal API: the stored result as it is (koinu strings). */
export function presentInternal(result: CommandResult) {
  switch (result.kind) {
    case 'escrow':
      return { escrow: result.escrow };
    case 'bidLock':
      return { bidLock: result.bidLock, escrow: result.escrow };
    case 'withdrawal':
      return { withdrawal: result.withdrawal };
    case 'deposit':
      return { deposit: result.deposit };
    case 'coldTransfer':
      return { transfer: result.transfer };
    default: {
      const unknown: never = result;
      throw new Error(`unknown result ${JSON.stringify(unknown)}`);
    }
  }
}

/** GET /v1/withdrawal-policy: the fee and minimum in DOGE; no maximum beyond the available balance. */
export function presentWithdrawalPolicy(policy: { minimumKoinu: bigint; networkFeeKoinu: bigint }) {
  return {
    networkFee: doge(policy.networkFeeKoinu),
    minimum: doge(policy.minimumKoinu),
    maximum: null,
  };
}
