// Proves the ledger export: the file has the documented columns, quotes what needs quoting, keeps exact
// amounts, and holds exactly the entries of the chosen days, oldest first, read across pages.
import { expect } from 'chai';
import Papa from 'papaparse';
import { collectLedgerRange, LEDGER_CSV_COLUMNS, ledgerCsv, utcDayRange } from '../src/lib/ledger-csv.js';
import type { LedgerEntry, LedgerPage } from '../src/lib/types.js';

function entry(seq: number, createdAt: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    entryId: `e${seq}`,
    transactionId: `t${seq}`,
    entryType: 'DEPOSIT',
    bucket: 'AVAILABLE',
    debit: '0.00000000',
    credit: '1.10000000',
    balanceAfter: `${seq}.10000000`,
    referenceType: 'tx',
    referenceId: `tx${seq}`,
    createdAt,
    ...extra,
  };
}

describe('ledger CSV', () => {
  it('writes the documented header and exact amounts, quoting commas, quotes and formulas', () => {
    const csv = ledgerCsv([
      entry(1, '2025-01-01T10:00:00.000Z', { referenceId: 'a,"b"' }),
      entry(2, '2025-01-01T11:00:00.000Z', { referenceId: '=HYPERLINK("x")' }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).to.equal(LEDGER_CSV_COLUMNS.join(','));
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    expect(parsed).to.have.length(3);
    expect(parsed[1]![LEDGER_CSV_COLUMNS.indexOf('credit')]).to.equal('1.10000000');
    expect(parsed[1]![LEDGER_CSV_COLUMNS.indexOf('referenceId')]).to.equal('a,"b"');
    // A spreadsheet must not run a cell as a formula.
    expect(parsed[2]![LEDGER_CSV_COLUMNS.indexOf('referenceId')]).to.equal(`'=HYPERLINK("x")`);
  });

  it('turns two picked days into a half-open UTC range covering both', () => {
    const range = utcDayRange('2025-01-01', '2025-01-02')!;
    expect(range.from.toISOString()).to.equal('2025-01-01T00:00:00.000Z');
    expect(range.to.toISOString()).to.equal('2025-01-03T00:00:00.000Z');
    expect(utcDayRange('2025-01-02', '2025-01-01')).to.equal(null);
    expect(utcDayRange('', '2025-01-01')).to.equal(null);
  });

  it('pages newest first until the range is passed and keeps only its entries, oldest first', async () => {
    const all = [
      entry(6, '2025-01-04T00:00:00.000Z'),
      entry(5, '2025-01-03T23:59:59.999Z'),
      entry(4, '2025-01-03T00:00:00.000Z'),
      entry(3, '2025-01-02T12:00:00.000Z'),
      entry(2, '2025-01-01T23:59:59.999Z'),
      entry(1, '2025-01-01T00:00:00.000Z'),
    ];
    const asked: (string | null)[] = [];
    const fetchPage = (before: string | null): Promise<LedgerPage> => {
      asked.push(before);
      const start = before === null ? 0 : all.findIndex((item) => item.entryId === before) + 1;
      const entries = all.slice(start, start + 2);
      return Promise.resolve({ entries, nextCursor: entries.length === 2 ? entries[1]!.entryId : null });
    };
    const kept = await collectLedgerRange(fetchPage, utcDayRange('2025-01-02', '2025-01-03')!);
    expect(kept.map((item) => item.entryId)).to.deep.equal(['e3', 'e4', 'e5']);
    // It stops at the page that passes the start instead of reading the whole ledger.
    expect(asked).to.deep.equal([null, 'e5', 'e3']);
  });
});
