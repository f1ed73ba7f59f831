/**
 * Money on the pages. The APIs speak DOGE decimal strings ("12.50000000"); @dbay/money is the one
 * boundary between that text and bigint koinu, so the pages parse with it and never hold money in a JS
 * number. This module adds only what a reader needs: grouped, trimmed display text, and the amount
 * field's check in the user's words (the same rule the API applies, @dbay/money's parseDoge).
 */
import { formatDoge, MoneyError, parseDoge, type MoneyErrorCode } from '@dbay/money';

/** An API amount (a DOGE decimal string, zero allowed) as koinu. */
export function koinuOf(doge: string): bigint {
  return parseDoge(doge, { allowZero: true });
}

/** The amount the API answers with, in koinu, as an API DOGE string again ("12.50000000"). */
export const dogeText = formatDoge;

/**
 * Koinu as a reader sees it: thousands grouped, trailing zeros of the fraction dropped, the unit
 * last. 123456789000n -> "1,234.56789 DOGE"; 0n -> "0 DOGE"; -150000000n -> "-1.5 DOGE".
 */
export function showDoge(koinu: bigint): string {
  const [whole = '0', fraction = ''] = formatDoge(koinu).split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '');
  return `${negative ? '-' : ''}${grouped}${trimmed ? `.${trimmed}` : ''} DOGE`;
}

/** An API DOGE string shown as showDoge shows it. */
export function showDogeText(doge: string): string {
  return showDoge(koinuOf(doge));
}

const AMOUNT_PROBLEMS: Record<MoneyErrorCode, string> = {
  AMOUNT_NOT_A_STRING: 'Enter an amount.',
  AMOUNT_MALFORMED: 'Enter the amount as a plain number, like 12.5 (no commas, spaces or units).',
  AMOUNT_TOO_PRECISE: 'DOGE has at most 8 decimal places.',
  AMOUNT_NEGATIVE: 'The amount cannot be negative.',
  AMOUNT_NOT_POSITIVE: 'The amount must be more than zero.',
  AMOUNT_TOO_LARGE: 'That amount is larger than any amount the platform accepts.',
};

export type AmountInput = { ok: true; koinu: bigint } | { ok: false; problem: string };

/** The amount a user typed, checked as the API checks it: a positive DOGE decimal, at most 8 decimals. */
export function readAmountInput(text: string): AmountInput {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: AMOUNT_PROBLEMS.AMOUNT_NOT_A_STRING };
  try {
    return { ok: true, koinu: parseDoge(trimmed) };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, problem: AMOUNT_PROBLEMS[error.code] };
    throw error;
  }
}
