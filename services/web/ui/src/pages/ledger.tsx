/** The ledger, a page at a time (newest first), and the CSV export of a date range. */
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../lib/api.js';
import { collectLedgerRange, ledgerCsv, utcDayRange } from '../lib/ledger-csv.js';
import type { LedgerPage as Page } from '../lib/types.js';
import { Doge, Empty, ErrorNote, Loading, When } from '../components.js';

const PAGE_SIZE = 25;
const EXPORT_PAGE_SIZE = 100;

const ledgerPath = (limit: number, before: string | null) =>
  `/v1/ledger?limit=${limit}${before === null ? '' : `&before=${encodeURIComponent(before)}`}`;

const ENTRY_WORDS: Record<string, string> = {
  DEPOSIT: 'Deposit',
  WITHDRAWAL_HOLD: 'Withdrawal set aside',
  WITHDRAWAL: 'Withdrawal sent',
  WITHDRAWAL_RELEASE: 'Withdrawal returned',
  NETWORK_FEE: 'Network fee',
  MINER_FEE: 'Miner fee',
  BID_LOCK: 'Held for a bid',
  BID_UNLOCK: 'Bid hold released',
  ESCROW_LOCK: 'Paid into escrow',
  ESCROW_RELEASE: 'Escrow released',
  SALE: 'Sale',
  FEE: 'Platform fee',
  ESCROW_REFUND: 'Escrow refunded',
};

export function LedgerPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const before = cursors.at(-1) ?? null;
  const page = useQuery({
    queryKey: ['ledger', before],
    queryFn: () => apiGet<Page>(ledgerPath(PAGE_SIZE, before)),
  });
  let body;
  if (page.isPending) body = <Loading what="your history" />;
  else if (page.isError) body = <ErrorNote error={page.error} retry={() => void page.refetch()} />;
  else if (page.data.entries.length === 0) body = <Empty>No entries yet.</Empty>;
  else
    body = (
      // The table scrolls sideways on a narrow screen: the region takes focus so a keyboard can scroll it.
      <div className="table-wrap" role="region" aria-label="Ledger entries" tabIndex={0}>
        <table>
          <caption className="sr-only">Ledger entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Bucket</th>
              <th scope="col">In</th>
              <th scope="col">Out</th>
              <th scope="col">Bucket after</th>
            </tr>
          </thead>
          <tbody>
            {page.data.entries.map((entry) => (
              <tr key={entry.entryId} data-testid="ledger-row" data-entry-type={entry.entryType}>
                <td>
                  <When iso={entry.createdAt} />
                </td>
                <td>{ENTRY_WORDS[entry.entryType] ?? entry.entryType}</td>
                <td>{entry.bucket.toLowerCase()}</td>
                <td>
                  <Doge value={entry.credit} />
                </td>
                <td>
                  <Doge value={entry.debit} />
                </td>
                <td>
                  <Doge value={entry.balanceAfter} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  const next = page.data?.nextCursor ?? null;
  return (
    <>
      <h1>History</h1>
      {body}
      <nav className="row" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={next === null} onClick={() => setCursors([...cursors, next])}>
          Older
        </button>
      </nav>
      <CsvExport />
    </>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function CsvExport() {
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [state, setState] = useState<{ kind: 'idle' | 'working' | 'done'; count?: number; error?: unknown }>({
    kind: 'idle',
  });
  const range = utcDayRange(from, to);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!range) return;
    setState({ kind: 'working' });
    try {
      const entries = await collectLedgerRange(
        (before) => apiGet<Page>(ledgerPath(EXPORT_PAGE_SIZE, before)),
        range,
      );
      const url = URL.createObjectURL(new Blob([ledgerCsv(entries)], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `dbay-ledger-${from}-to-${to}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ kind: 'done', count: entries.length });
    } catch (error) {
      setState({ kind: 'idle', error });
    }
  };
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export to CSV</h2>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <p className="muted">Both days are included; days are in UTC.</p>
        <label htmlFor="export-from">From</label>
        <input
          id="export-from"
          type="date"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          required
        />
        <label htmlFor="export-to">To</label>
        <input
          id="export-to"
          type="date"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          required
        />
        <p className="problem">{range ? '' : 'The start must be on or before the end.'}</p>
        <button type="submit" disabled={!range || state.kind === 'working'}>
          {state.kind === 'working' ? 'Preparing…' : 'Download CSV'}
        </button>
        <p role="status" aria-live="polite">
          {state.kind === 'done' ? `Downloaded ${state.count ?? 0} entries.` : ''}
        </p>
        <ErrorNote error={state.error} />
      </form>
    </section>
  );
}
