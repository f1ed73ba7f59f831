/**
 * The withdraw form: the address checked for this network and the amount checked as the API checks
 * it, then a confirmation step with the fee and the total, then the request (one Idempotency-Key per
 * intent: a retry of the same confirmation reuses it, a changed form gets a new one).
 */
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiGetOptional, apiPost, newIntentKey } from '../lib/api.js';
import { addressProblem } from '../lib/address.js';
import { koinuOf, readAmountInput, showDoge } from '../lib/money.js';
import type { Balance, Withdrawal, WithdrawalPolicy } from '../lib/types.js';
import { useApp } from '../app.js';
import { ErrorNote } from '../components.js';

export function WithdrawPage() {
  const { config } = useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [address, setAddress] = useState('');
  const [amountText, setAmountText] = useState('');
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const intent = useRef(newIntentKey());
  const policy = useQuery({
    queryKey: ['withdrawal-policy'],
    queryFn: () => apiGetOptional<WithdrawalPolicy>('/v1/withdrawal-policy'),
    staleTime: 60_000,
  });
  const balance = useQuery({ queryKey: ['balance'], queryFn: () => apiGet<Balance>('/v1/balance') });
  const request = useMutation({
    mutationFn: async () =>
      (
        await apiPost<Withdrawal>(
          '/v1/withdrawals',
          { destinationAddress: address.trim(), amount: amountText.trim() },
          intent.current,
        )
      ).body,
    onSuccess: (withdrawal) => {
      intent.current = newIntentKey();
      void client.invalidateQueries({ queryKey: ['balance'] });
      void client.invalidateQueries({ queryKey: ['withdrawals'] });
      client.setQueryData(['withdrawal', withdrawal.withdrawalId], withdrawal);
      void navigate(`/wallet/withdrawals/${withdrawal.withdrawalId}`);
    },
  });

  const change = (set: (value: string) => void) => (value: string) => {
    set(value);
    setConfirming(false);
    request.reset();
    intent.current = newIntentKey();
  };
  const addressIssue = addressProblem(address, config.network);
  const amount = readAmountInput(amountText);
  const fee = policy.data ? koinuOf(policy.data.networkFee) : null;
  const minimum = policy.data ? koinuOf(policy.data.minimum) : null;
  const maximum = policy.data?.maximum ? koinuOf(policy.data.maximum) : null;
  let amountIssue = amount.ok ? null : amount.problem;
  if (amount.ok && minimum !== null && amount.koinu < minimum)
    amountIssue = `The smallest withdrawal is ${showDoge(minimum)}.`;
  if (amount.ok && maximum !== null && amount.koinu > maximum)
    amountIssue = `The largest withdrawal is ${showDoge(maximum)}.`;
  const available = balance.data ? koinuOf(balance.data.available) : null;
  const total = amount.ok && fee !== null ? amount.koinu + fee : null;
  const overBalance = total !== null && available !== null && total > available;

  const review = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (addressIssue === null && amountIssue === null) setConfirming(true);
  };

  return (
    <>
      <h1>Withdraw</h1>
      <form onSubmit={review} className="stack" noValidate>
        <label htmlFor="withdraw-address">Dogecoin address to send to ({config.network})</label>
        <input
          id="withdraw-address"
          autoComplete="off"
          spellCheck={false}
          value={address}
          onChange={(event) => change(setAddress)(event.target.value)}
          aria-invalid={touched && addressIssue !== null}
          aria-describedby="withdraw-address-problem"
        />
        <p
          id="withdraw-address-problem"
          className="problem"
          role={touched && addressIssue ? 'alert' : undefined}
        >
          {touched ? addressIssue : ''}
        </p>
        <label htmlFor="withdraw-amount">Amount (DOGE)</label>
        <input
          id="withdraw-amount"
          inputMode="decimal"
          autoComplete="off"
          value={amountText}
          onChange={(event) => change(setAmountText)(event.target.value)}
          aria-invalid={touched && amountIssue !== null}
          aria-describedby="withdraw-amount-problem withdraw-fee-note"
        />
        <p
          id="withdraw-amount-problem"
          className="problem"
          role={touched && amountIssue ? 'alert' : undefined}
        >
          {touched ? amountIssue : ''}
        </p>
        <p id="withdraw-fee-note" className="muted">
          {fee !== null
            ? `A network fee of ${showDoge(fee)} is added on top of the amount.`
            : 'A network fee is added on top of the amount; the wallet states it when it accepts the request.'}
          {available !== null ? ` You have ${showDoge(available)} available.` : ''}
        </p>
        {!confirming ? <button type="submit">Review withdrawal</button> : null}
      </form>
      {confirming && amount.ok ? (
        <section className="card confirm" aria-labelledby="confirm-title">
          <h2 id="confirm-title">Confirm the withdrawal</h2>
          <dl className="facts">
            <dt>To</dt>
            <dd>
              <code>{address.trim()}</code>
            </dd>
            <dt>Amount</dt>
            <dd data-testid="withdraw-amount">{showDoge(amount.koinu)}</dd>
            <dt>Network fee</dt>
            <dd data-testid="withdraw-fee">
              {fee !== null ? showDoge(fee) : 'stated by the wallet on request'}
            </dd>
            <dt>Total taken from your wallet</dt>
            <dd data-testid="withdraw-total">{total !== null ? showDoge(total) : 'amount plus the fee'}</dd>
          </dl>
          {overBalance ? (
            <p className="problem" role="alert">
              This is more than your available balance; the wallet will refuse it.
            </p>
          ) : null}
          <p>A withdrawal sent on the chain cannot be undone. Check the address.</p>
          <div className="row">
            <button type="button" onClick={() => request.mutate()} disabled={request.isPending}>
              {request.isPending ? 'Sending…' : 'Confirm and withdraw'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={request.isPending}>
              Change
            </button>
          </div>
          <ErrorNote error={request.error} />
        </section>
      ) : null}
    </>
  );
}
