/** The wallet: balance in its three buckets, the deposit address with its QR code, incoming deposits, withdrawals. */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { ApiError, apiGet, apiPost, newIntentKey } from '../lib/api.js';
import { dogecoinUri } from '../lib/dogecoin-uri.js';
import { readAmountInput } from '../lib/money.js';
import type { Balance, Deposit, DepositAddress, DepositList, Withdrawal } from '../lib/types.js';
import { useApp } from '../app.js';
import { Doge, Empty, ErrorNote, Loading, When } from '../components.js';
import { withdrawalStatusWords } from './withdrawal.js';

export function WalletPage() {
  return (
    <>
      <h1>Wallet</h1>
      <BalanceCard />
      <DepositAddressCard />
      <DepositsCard />
      <WithdrawalsCard />
      <p>
        <Link className="action" to="/wallet/ledger">
          Full history and CSV export
        </Link>
      </p>
    </>
  );
}

const notFound = (error: unknown, code: string) => error instanceof ApiError && error.code === code;

function BalanceCard() {
  const balance = useQuery({ queryKey: ['balance'], queryFn: () => apiGet<Balance>('/v1/balance') });
  if (balance.isPending) return <Loading what="your balance" />;
  if (balance.isError && !notFound(balance.error, 'WALLET_NOT_FOUND'))
    return <ErrorNote error={balance.error} retry={() => void balance.refetch()} />;
  const zero = '0.00000000';
  const data = balance.data ?? { available: zero, locked: zero, pending: zero, total: zero };
  return (
    <section aria-labelledby="balance-title" className="card">
      <h2 id="balance-title">Balance</h2>
      {balance.data ? null : (
        <p className="muted">You have no wallet yet: get a deposit address below to open one.</p>
      )}
      <dl className="buckets">
        <div>
          <dt>Available</dt>
          <dd>
            <Doge value={data.available} testId="balance-available" />
          </dd>
          <dd className="muted">Yours to spend or withdraw now.</dd>
        </div>
        <div>
          <dt>Locked in escrow and bids</dt>
          <dd>
            <Doge value={data.locked} testId="balance-locked" />
          </dd>
          <dd className="muted">Held for orders you paid and for your leading bids until they settle.</dd>
        </div>
        <div>
          <dt>Pending withdrawals</dt>
          <dd>
            <Doge value={data.pending} testId="balance-pending" />
          </dd>
          <dd className="muted">On its way out: withdrawals you asked for, with their fees.</dd>
        </div>
      </dl>
      <p>
        Total: <Doge value={data.total} />
      </p>
      <Link className="button" to="/wallet/withdraw">
        Withdraw
      </Link>
    </section>
  );
}

function DepositAddressCard() {
  const client = useQueryClient();
  const address = useQuery({
    queryKey: ['deposit-address'],
    queryFn: () => apiGet<DepositAddress>('/v1/deposit-address'),
  });
  const intent = useRef(newIntentKey());
  const assign = useMutation({
    mutationFn: async () => (await apiPost<DepositAddress>('/v1/deposit-address', {}, intent.current)).body,
    onSuccess: (answer) => {
      client.setQueryData(['deposit-address'], answer);
      void client.invalidateQueries({ queryKey: ['balance'] });
    },
  });
  let body;
  if (address.isPending) body = <Loading what="your deposit address" />;
  else if (address.isError && notFound(address.error, 'WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED'))
    body = (
      <>
        <p>You have no deposit address yet. It is yours alone and stays the same.</p>
        <button type="button" onClick={() => assign.mutate()} disabled={assign.isPending}>
          Get my deposit address
        </button>
        <ErrorNote error={assign.error} />
      </>
    );
  else if (address.isError) body = <ErrorNote error={address.error} retry={() => void address.refetch()} />;
  else body = <AddressWithQr address={address.data.address} />;
  return (
    <section aria-labelledby="deposit-title" className="card">
      <h2 id="deposit-title">Deposit</h2>
      {body}
    </section>
  );
}

function AddressWithQr({ address }: { address: string }) {
  const { config } = useApp();
  const [amountText, setAmountText] = useState('');
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const amount = amountText.trim() === '' ? null : readAmountInput(amountText);
  const uri = dogecoinUri(address, amount?.ok ? amount.koinu : undefined);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }).then(
      (url) => current && setQr(url),
      () => current && setQr(null),
    );
    return () => {
      current = false;
    };
  }, [uri]);
  const copy = () =>
    navigator.clipboard.writeText(address).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  return (
    <div className="deposit">
      <p>
        Send Dogecoin ({config.network}) to this address. It counts once it has {config.confirmationsRequired}{' '}
        confirmations.
      </p>
      <p className="address">
        <code data-testid="deposit-address">{address}</code>{' '}
        <button type="button" onClick={() => void copy()}>
          Copy address
        </button>{' '}
        <span role="status" aria-live="polite">
          {copied === 'copied'
            ? 'Copied.'
            : copied === 'failed'
              ? 'Copying failed: select the address instead.'
              : ''}
        </span>
      </p>
      <label htmlFor="qr-amount">Amount to ask for in the QR code (optional, DOGE)</label>
      <input
        id="qr-amount"
        inputMode="decimal"
        value={amountText}
        onChange={(event) => setAmountText(event.target.value)}
        aria-describedby="qr-amount-problem"
      />
      <p id="qr-amount-problem" className="problem">
        {amount && !amount.ok ? amount.problem : ''}
      </p>
      {qr ? <img src={qr} width={220} height={220} alt={`QR code for ${uri}`} data-uri={uri} /> : null}
    </div>
  );
}

function DepositsCard() {
  const { config } = useApp();
  const deposits = useQuery({ queryKey: ['deposits'], queryFn: () => apiGet<DepositList>('/v1/deposits') });
  let body;
  if (deposits.isPending) body = <Loading what="your deposits" />;
  else if (deposits.isError && notFound(deposits.error, 'WALLET_NOT_FOUND'))
    body = <Empty>No deposits yet.</Empty>;
  else if (deposits.isError)
    body = <ErrorNote error={deposits.error} retry={() => void deposits.refetch()} />;
  else if (deposits.data.deposits.length === 0) body = <Empty>No deposits yet.</Empty>;
  else {
    const required = deposits.data.requiredConfirmations || config.confirmationsRequired;
    body = (
      <ul className="rows">
        {deposits.data.deposits.map((deposit) => (
          <DepositRow key={`${deposit.txid}:${deposit.vout}`} deposit={deposit} required={required} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-labelledby="deposits-title" className="card">
      <h2 id="deposits-title">Deposits</h2>
      {body}
    </section>
  );
}

export function depositWords(deposit: Deposit, required: number): string {
  switch (deposit.status) {
    case 'INCOMING':
      return `Incoming: ${Math.min(deposit.confirmations, required)} / ${required} confirmations`;
    case 'CREDITED':
      return deposit.flaggedForReview
        ? 'Credited, then left the chain: under review'
        : `Available: ${required} / ${required} confirmations`;
    case 'REVERSED':
      return 'Left the chain, not credited';
    default: {
      const unknown: never = deposit.status;
      return String(unknown);
    }
  }
}

function DepositRow({ deposit, required }: { deposit: Deposit; required: number }) {
  return (
    <li
      data-testid="deposit-row"
      data-txid={deposit.txid}
      data-status={deposit.status}
      data-confirmations={deposit.confirmations}
      className={`row-item deposit-${deposit.status.toLowerCase()}`}
    >
      <Doge value={deposit.amount} />
      <span>{depositWords(deposit, required)}</span>
      <span className="muted txid">
        tx {deposit.txid}:{deposit.vout} · <When iso={deposit.detectedAt} />
      </span>
    </li>
  );
}

function WithdrawalsCard() {
  const withdrawals = useQuery({
    queryKey: ['withdrawals'],
    queryFn: () => apiGet<{ withdrawals: Withdrawal[] }>('/v1/withdrawals'),
  });
  let body;
  if (withdrawals.isPending) body = <Loading what="your withdrawals" />;
  else if (withdrawals.isError)
    body = <ErrorNote error={withdrawals.error} retry={() => void withdrawals.refetch()} />;
  else if (withdrawals.data.withdrawals.length === 0) body = <Empty>No withdrawals yet.</Empty>;
  else
    body = (
      <ul className="rows">
        {withdrawals.data.withdrawals.map((withdrawal) => (
          <li
            key={withdrawal.withdrawalId}
            className="row-item"
            data-testid="withdrawal-row"
            data-status={withdrawal.status}
          >
            <Doge value={withdrawal.amount} />
            <span>{withdrawalStatusWords(withdrawal)}</span>
            <Link to={`/wallet/withdrawals/${withdrawal.withdrawalId}`}>
              Details of the withdrawal to {withdrawal.destinationAddress}
            </Link>
          </li>
        ))}
      </ul>
    );
  return (
    <section aria-labelledby="withdrawals-title" className="card">
      <h2 id="withdrawals-title">Withdrawals</h2>
      {body}
    </section>
  );
}
