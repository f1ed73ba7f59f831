/**
 * The ledger as a CSV file for a date range. The wallet's GET /v1/ledger pages newest first with a
 * `before` cursor and has no date filter, so the export walks the pages from the newest entry until it
 * passes the range's start, keeps the entries inside [from, to), and writes them oldest first.
 * Amounts are the API's DOGE strings (8 decimals, exact); papaparse quotes what needs quoting.
 */
import Papa from 'papaparse';
import type { LedgerEntry, LedgerPage } from './types.js';

/** The file's columns, in order (documented in the README). */
export const LEDGER_CSV_COLUMNS = [
  'createdAt',
  'entryType',
  'bucket',
  'debit',
  'credit',
  'balanceAfter',
  'referenceType',
  'referenceId',
  'transactionId',
  'entryId',
] as const satisfies readonly (keyof LedgerEntry)[];

/** A half-open range of instants: from <= createdAt < to. */
export interface DateRange {
  from: Date;
  to: Date;
}

/** The UTC day range a user picks with two date fields ("2025-01-01" .. "2025-01-31", both days included). */
export function utcDayRange(fromDay: string, toDay: string): DateRange | null {
  const from = new Date(`${fromDay}T00:00:00.000Z`);
  const toStart = new Date(`${toDay}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime()) || Number.isNaN(toStart.getTime())) return null;
  const to = new Date(toStart.getTime() + 24 * 60 * 60 * 1000);
  return from < to ? { from, to } : null;
}

export function ledgerCsv(entries: readonly LedgerEntry[]): string {
  return Papa.unparse(
    {
      fields: [...LEDGER_CSV_COLUMNS],
      data: entries.map((entry) => LEDGER_CSV_COLUMNS.map((column) => entry[column] ?? '')),
    },
    { newline: '\r\n', escapeFormulae: true },
  );
}

/** Largest number of pages one export reads, so a broken cursor cannot loop forever. */
export const LEDGER_EXPORT_MAX_PAGES = 1_000;

/** Reads pages (newest first) until the range's start is passed; returns the range's entries oldest first. */
export async function collectLedgerRange(
  fetchPage: (before: string | null) => Promise<LedgerPage>,
  range: DateRange,
): Promise<LedgerEntry[]> {
  const kept: LedgerEntry[] = [];
  let before: string | null = null;
  for (let page = 0; page < LEDGER_EXPORT_MAX_PAGES; page += 1) {
    const { entries, nextCursor } = await fetchPage(before);
    let passedStart = false;
    for (const entry of entries) {
      const at = new Date(entry.createdAt);
      if (at < range.from) {
        passedStart = true;
        break;
      }
      if (at < range.to) kept.push(entry);
    }
    if (passedStart || nextCursor === null) return kept.reverse();
    before = nextCursor;
  }
  throw new Error(`the ledger export stopped after ${LEDGER_EXPORT_MAX_PAGES} pages`);
}
