/**
 * One reconciliation run: every check of issue 7 in turn, each streaming its inputs, each finding
 * recorded (table + event) as it is found. The run's report summarises the checks and carries the
 * first findings in full; the exit code of the one-shot process is derived from it.
 */
import type { Logger } from 'pino';
import type { DogecoinRpcClient } from '@dbay/chain-rpc';
import {
  CHECKS,
  finding,
  REPORT_FINDINGS_LIMIT,
  type CheckName,
  type CheckSummary,
  type Finding,
  type ReconciliationReport,
} from './domain/findings.js';
import { checkChainCoverage, checkLocked, checkUserLedger } from './domain/rules.js';
import type { CrossServiceSource, WalletSource } from './adapters/sources.js';
import type { FindingSink } from './adapters/finding-sink.js';

export const USER_CHUNK_SIZE = 2_000;
/** gettxout calls in flight at once: enough to hide RPC latency, few enough not to load the node. */
export const CHAIN_CONCURRENCY = 8;

export interface ReconcileDependencies {
  runId: string;
  wallet: WalletSource;
  crossService: CrossServiceSource;
  chain: DogecoinRpcClient | null;
  sink: FindingSink;
  logger: Logger;
  /** Confirmed deposits and withdrawals younger than this are skipped: their events may be in flight. */
  graceSeconds: number;
  userChunkSize?: number;
  onFinding?: (finding: Finding) => void;
}

class Recorder {
  readonly summaries: CheckSummary[] = [];
  readonly kept: Finding[] = [];
  total = 0;

  constructor(private readonly deps: ReconcileDependencies) {}

  async record(found: Finding): Promise<void> {
    this.total += 1;
    if (this.kept.length < REPORT_FINDINGS_LIMIT) this.kept.push(found);
    this.deps.onFinding?.(found);
    this.deps.logger.warn({ finding: found }, 'Reconciliation discrepancy');
    await this.deps.sink.add(found);
  }

  summary(check: CheckName): CheckSummary {
    let summary = this.summaries.find((candidate) => candidate.check === check);
    if (!summary) {
      summary = { check, findings: 0, examined: 0, seconds: 0 };
      this.summaries.push(summary);
    }
    return summary;
  }

  async timed(checks: CheckName[], work: () => Promise<void>): Promise<void> {
    const started = process.hrtime.bigint();
    await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const check of checks) this.summary(check).seconds += seconds / checks.length;
  }

  async report(found: Finding): Promise<void> {
    this.summary(found.check).findings += 1;
    await this.record(found);
  }
}

export async function reconcile(deps: ReconcileDependencies): Promise<ReconciliationReport> {
  const startedAt = new Date();
  const recorder = new Recorder(deps);
  for (const check of CHECKS) recorder.summary(check);
  const chunkSize = deps.userChunkSize ?? USER_CHUNK_SIZE;

  await recorder.timed(['user-ledger-sum', 'user-bucket-sum', 'locked-vs-escrow-and-bids'], async () => {
    for await (const chunk of deps.wallet.userChunks(chunkSize)) {
      for (const wallet of chunk.wallets) {
        const found = [
          ...checkUserLedger(wallet, chunk.nets.get(wallet.userId) ?? {}),
          ...checkLocked(
            wallet,
            chunk.openEscrow.get(wallet.userId) ?? 0n,
            chunk.activeBids.get(wallet.userId) ?? 0n,
          ),
        ];
        for (const item of found) await recorder.report(item);
      }
      for (const check of ['user-ledger-sum', 'user-bucket-sum', 'locked-vs-escrow-and-bids'] as const) {
        recorder.summary(check).examined += chunk.wallets.length;
      }
    }
  });

  const totals = await deps.wallet.bookTotals();
  await recorder.timed(['balance-after-continuity'], async () => {
    recorder.summary('balance-after-continuity').examined = Number(totals.entries);
    for await (const broken of deps.wallet.continuityBreaks()) {
      await recorder.report(
        finding(
          'balance-after-continuity',
          broken.accountType,
          broken.account,
          broken.previousBalance + broken.credit - broken.debit,
          broken.balanceAfter,
          `${broken.bucket} entry ${broken.entryId} (seq ${broken.seq}): previous ${broken.previousBalance} + credit ${broken.credit} - debit ${broken.debit}`,
        ),
      );
    }
  });

  await recorder.timed(['platform-account-sum', 'transaction-balanced', 'ledger-zero-sum'], async () => {
    const accounts = await deps.wallet.platformAccounts();
    recorder.summary('platform-account-sum').examined = accounts.length;
    for (const account of accounts) {
      if (account.net !== account.balance) {
        await recorder.report(
          finding(
            'platform-account-sum',
            'platform-account',
            account.code,
            account.net,
            account.balance,
            'ledger net vs balance column',
          ),
        );
      }
    }
    recorder.summary('transaction-balanced').examined = Number(totals.entries);
    for await (const unbalanced of deps.wallet.unbalancedTransactions()) {
      await recorder.report(
        finding(
          'transaction-balanced',
          'ledger-transaction',
          unbalanced.transactionId,
          0n,
          unbalanced.net,
          'credits minus debits of one ledger transaction',
        ),
      );
    }
    recorder.summary('ledger-zero-sum').examined = 1;
    if (totals.balances !== 0n) {
      await recorder.report(
        finding(
          'ledger-zero-sum',
          'ledger',
          'balances',
          0n,
          totals.balances,
          'sum of every user bucket and platform account',
        ),
      );
    }
    if (totals.entriesNet !== 0n) {
      await recorder.report(
        finding(
          'ledger-zero-sum',
          'ledger',
          'entries',
          0n,
          totals.entriesNet,
          'sum of credits minus debits of every entry',
        ),
      );
    }
  });

  const compared = await deps.crossService.crossServiceCounts(deps.graceSeconds);
  recorder.summary('deposit-credited-once').examined = compared.deposits;
  recorder.summary('withdrawal-finalized-once').examined = compared.withdrawals;
  await recorder.timed(['deposit-credited-once'], async () => {
    for await (const mismatch of deps.crossService.depositMismatches(deps.graceSeconds)) {
      const detail =
        mismatch.watcherAmount === null
          ? `credited ${mismatch.credits} time(s) to ${mismatch.creditedUserIds ?? '?'} without a confirmed deposit`
          : `confirmed for ${mismatch.watcherUserId ?? '?'}, credited ${mismatch.credits} time(s) to ${mismatch.creditedUserIds ?? 'nobody'}`;
      await recorder.report(
        finding(
          'deposit-credited-once',
          'deposit',
          mismatch.depositKey,
          mismatch.watcherAmount ?? 0n,
          mismatch.creditedAmount,
          detail,
        ),
      );
    }
  });

  await recorder.timed(['withdrawal-finalized-once'], async () => {
    for await (const mismatch of deps.crossService.withdrawalMismatches(deps.graceSeconds)) {
      await recorder.report(
        finding(
          'withdrawal-finalized-once',
          'withdrawal',
          mismatch.withdrawalId,
          mismatch.sagaStatus === 'CONFIRMED' ? '1 finalization' : '0 finalizations',
          `${mismatch.finalizations} finalization(s)`,
          `saga status ${mismatch.sagaStatus ?? 'not confirmed'}, wallet status ${mismatch.walletStatus ?? 'none'}`,
        ),
      );
    }
  });

  if (deps.chain) {
    const chain = deps.chain;
    await recorder.timed(['hot-wallet-coin-unspent', 'chain-covers-liabilities'], async () => {
      let holdings = 0n;
      let inFlight: Array<Promise<void>> = [];
      const examine = async (coin: {
        txid: string;
        vout: number;
        amountKoinu: bigint;
        status: string;
      }): Promise<void> => {
        const out = await chain.getTxOut(coin.txid, coin.vout, true);
        recorder.summary('hot-wallet-coin-unspent').examined += 1;
        if (out === null) {
          await recorder.report(
            finding(
              'hot-wallet-coin-unspent',
              'coin',
              `${coin.txid}:${coin.vout}`,
              coin.amountKoinu,
              0n,
              `saga holds it as ${coin.status}; the node says it is spent or unknown`,
            ),
          );
        } else {
          holdings += out.valueKoinu;
          if (out.valueKoinu !== coin.amountKoinu) {
            await recorder.report(
              finding(
                'hot-wallet-coin-unspent',
                'coin',
                `${coin.txid}:${coin.vout}`,
                coin.amountKoinu,
                out.valueKoinu,
                'amount the saga holds vs value on chain',
              ),
            );
          }
        }
      };
      for await (const coin of deps.crossService.unspentCoins()) {
        inFlight.push(examine(coin));
        if (inFlight.length >= CHAIN_CONCURRENCY) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
      await Promise.all(inFlight);
      const pendingOut = await deps.crossService.inFlightWithdrawalsKoinu();
      recorder.summary('chain-covers-liabilities').examined = 1;
      for (const item of checkChainCoverage(holdings, totals.userLiabilities, pendingOut))
        await recorder.report(item);
    });
  }

  await deps.sink.flush();
  return {
    runId: deps.runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    clean: recorder.total === 0,
    totals: {
      findings: recorder.total,
      examined: recorder.summaries.reduce((sum, summary) => sum + summary.examined, 0),
    },
    checks: recorder.summaries.map((summary) => ({
      ...summary,
      seconds: Math.round(summary.seconds * 1000) / 1000,
    })),
    findings: recorder.kept,
    truncatedFindings: Math.max(0, recorder.total - recorder.kept.length),
  };
}
