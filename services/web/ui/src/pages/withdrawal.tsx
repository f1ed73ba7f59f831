/**
 * One withdrawal's timeline. When the wallet sends `timeline` (requested, in review, signed, broadcast,
 * confirmations, done or failed) it is rendered as it is; otherwise the steps known from status and
 * txid are shown.
 */
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../lib/api.js';
import { errorSentence } from '../lib/error-sentences.js';
import { koinuOf, showDoge } from '../lib/money.js';
import type { Withdrawal, WithdrawalTimelineStep } from '../lib/types.js';
import { useApp } from '../app.js';
import { Doge, ErrorNote, Loading, When } from '../components.js';

const STEP_WORDS: Record<string, string> = {
  requested: 'Requested',
  in_review: 'In review',
  review: 'In review',
  held: 'In review',
  held_for_review: 'Held for review',
  cooling_down: 'Waiting a moment: a new address is checked first',
  approved: 'Approved',
  rejected: 'Rejected',
  waiting_for_funds: 'Waiting for the hot wallet',
  signing: 'Signing',
  signed: 'Signed',
  broadcast: 'Broadcast to the network',
  confirmations: 'Confirming on the chain',
  confirmed: 'Confirmed',
  done: 'Done',
  finalized: 'Done',
  failed: 'Failed',
};

export function withdrawalStatusWords(withdrawal: Withdrawal): string {
  switch (withdrawal.status) {
    case 'REQUESTED':
      return withdrawal.txid ? 'Broadcast, confirming' : 'In progress';
    case 'FINALIZED':
      return 'Done';
    case 'FAILED':
      return 'Failed: your DOGE was returned';
    default: {
      const unknown: never = withdrawal.status;
      return String(unknown);
    }
  }
}

/** The steps to show: the wallet's timeline when present, else what status and txid tell. */
export function timelineOf(withdrawal: Withdrawal): WithdrawalTimelineStep[] {
  if (withdrawal.timeline && withdrawal.timeline.length > 0) return withdrawal.timeline;
  const steps: WithdrawalTimelineStep[] = [{ step: 'requested', at: withdrawal.requestedAt }];
  if (withdrawal.txid)
    steps.push({
      step: 'broadcast',
      at: null,
      txid: withdrawal.txid,
      confirmations: withdrawal.confirmations ?? null,
    });
  if (withdrawal.status === 'FINALIZED') steps.push({ step: 'done', at: withdrawal.updatedAt });
  if (withdrawal.status === 'FAILED')
    steps.push({ step: 'failed', at: withdrawal.updatedAt, reason: withdrawal.failureCode });
  return steps;
}

function reasonWords(reason: string): string {
  return /^[A-Z][A-Z0-9_]+$/.test(reason) ? errorSentence(reason) : reason;
}

export function WithdrawalPage() {
  const { id = '' } = useParams();
  const { config } = useApp();
  const withdrawal = useQuery({
    queryKey: ['withdrawal', id],
    queryFn: () => apiGet<Withdrawal>(`/v1/withdrawals/${encodeURIComponent(id)}`),
  });
  if (withdrawal.isPending) return <Loading what="the withdrawal" />;
  if (withdrawal.isError)
    return <ErrorNote error={withdrawal.error} retry={() => void withdrawal.refetch()} />;
  const data = withdrawal.data;
  const total = showDoge(koinuOf(data.amount) + koinuOf(data.networkFee));
  return (
    <>
      <h1>Withdrawal</h1>
      <dl className="facts">
        <dt>To</dt>
        <dd>
          <code>{data.destinationAddress}</code>
        </dd>
        <dt>Amount</dt>
        <dd>
          <Doge value={data.amount} />
        </dd>
        <dt>Network fee</dt>
        <dd>
          <Doge value={data.networkFee} />
        </dd>
        <dt>Total taken from your wallet</dt>
        <dd>{total}</dd>
        <dt>Status</dt>
        <dd data-testid="withdrawal-status" data-status={data.status}>
          {withdrawalStatusWords(data)}
        </dd>
      </dl>
      <h2>Timeline</h2>
      <ol className="timeline">
        {timelineOf(data).map((step, index) => (
          <li key={`${step.step}-${index}`} data-testid="withdrawal-step" data-step={step.step.toLowerCase()}>
            <strong>{STEP_WORDS[step.step.toLowerCase()] ?? step.step}</strong> <When iso={step.at} />
            {step.txid ? (
              <div>
                Transaction <code data-testid="withdrawal-txid">{step.txid}</code>
              </div>
            ) : null}
            {step.confirmations !== undefined && step.confirmations !== null ? (
              <div>
                {Math.min(step.confirmations, config.confirmationsRequired)} / {config.confirmationsRequired}{' '}
                confirmations
              </div>
            ) : null}
            {step.reason ? <div className="problem">{reasonWords(step.reason)}</div> : null}
          </li>
        ))}
      </ol>
    </>
  );
}
