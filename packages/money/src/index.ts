/**
 * Money is integer koinu (1 DOGE = 100,000,000 koinu) held as `bigint`. This module is the one place
 * where text becomes money and money becomes text; nothing in it ever touches a JS number or a float.
 */

export const KOINU_PER_DOGE = 100_000_000n;
export const DOGE_DECIMALS = 8;

/**
 * The largest amount any API accepts: 10 billion DOGE. Dogecoin's supply is uncapped but about
 * 150 billion DOGE exist; no single amount on this platform can be larger than 10^10 DOGE, and the
 * bound keeps every value inside NUMERIC(20,8) and BIGINT.
 */
export const MAX_AMOUNT_KOINU = 10_000_000_000n * KOINU_PER_DOGE;

export type MoneyErrorCode =
  | 'AMOUNT_NOT_A_STRING'
  | 'AMOUNT_MALFORMED'
  | 'AMOUNT_TOO_PRECISE'
  | 'AMOUNT_NEGATIVE'
  | 'AMOUNT_NOT_POSITIVE'
  | 'AMOUNT_TOO_LARGE';

export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

const DECIMAL_DOGE = /^(-?)(\d{1,20})(?:\.(\d{1,}))?$/;
const INTEGER_KOINU = /^(-?)(\d{1,30})$/;

export interface ParseOptions {
  /** Accept zero (for example a fee that may be nothing). Default: false, amounts must be positive. */
  allowZero?: boolean;
}

function checkBounds(koinu: bigint, negative: boolean, text: string, options: ParseOptions): bigint {
  if (negative && koinu !== 0n) throw new MoneyError('AMOUNT_NEGATIVE', `amount "${text}" is negative`);
  if (koinu === 0n && !options.allowZero) {
    throw new MoneyError('AMOUNT_NOT_POSITIVE', `amount "${text}" must be greater than zero`);
  }
  if (koinu > MAX_AMOUNT_KOINU) {
    throw new MoneyError('AMOUNT_TOO_LARGE', `amount "${text}" exceeds the maximum of 10000000000 DOGE`);
  }
  return koinu;
}

function requireString(value: unknown): string {
  if (typeof value !== 'string') {
    throw new MoneyError('AMOUNT_NOT_A_STRING', `amount must be a decimal string, got ${typeof value}`);
  }
  return value;
}

/**
 * Parses a DOGE decimal string ("12.5", "0.00000001") into koinu. Rejects numbers (JSON numbers lose
 * precision before we ever see them), exponents, signs other than a leading minus (which is then
 * refused as negative), whitespace, more than 8 decimals, and absurd sizes.
 */
export function parseDoge(value: unknown, options: ParseOptions = {}): bigint {
  const text = requireString(value);
  const match = DECIMAL_DOGE.exec(text);
  if (!match) throw new MoneyError('AMOUNT_MALFORMED', `amount "${text}" is not a plain decimal number`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > DOGE_DECIMALS) {
    throw new MoneyError('AMOUNT_TOO_PRECISE', `amount "${text}" has more than 8 decimal places`);
  }
  const koinu = BigInt(whole) * KOINU_PER_DOGE + BigInt(fraction.padEnd(DOGE_DECIMALS, '0'));
  return checkBounds(koinu, sign === '-', text, options);
}

/** Parses an integer koinu string ("1250000000") into koinu, with the same refusals as parseDoge. */
export function parseKoinu(value: unknown, options: ParseOptions = {}): bigint {
  const text = requireString(value);
  const match = INTEGER_KOINU.exec(text);
  if (!match) throw new MoneyError('AMOUNT_MALFORMED', `amount "${text}" is not an integer koinu string`);
  const [, sign = '', digits = '0'] = match;
  return checkBounds(BigInt(digits), sign === '-', text, options);
}

/** Formats koinu as a DOGE decimal string with exactly 8 decimals: 1250000000n -> "12.50000000". */
export function formatDoge(koinu: bigint): string {
  const negative = koinu < 0n;
  const magnitude = negative ? -koinu : koinu;
  const whole = magnitude / KOINU_PER_DOGE;
  const fraction = (magnitude % KOINU_PER_DOGE).toString().padStart(DOGE_DECIMALS, '0');
  return `${negative ? '-' : ''}${whole.toString()}.${fraction}`;
}

/**
 * Converts a NUMERIC(20,8) column, which holds DOGE (pg returns it as a string like "12.50000000"),
 * into koinu. It is for DOGE columns only: a BIGINT column already holds koinu and is read with
 * koinuFromBigintColumn. Anything that is not a plain decimal is a bug in the schema, so it throws
 * loudly instead of guessing.
 */
export function koinuFromDecimalColumn(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(value);
  if (!match) throw new Error(`unexpected NUMERIC value from the database: ${value}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const koinu = BigInt(whole) * KOINU_PER_DOGE + BigInt(fraction.padEnd(DOGE_DECIMALS, '0'));
  return sign === '-' ? -koinu : koinu;
}

/**
 * Converts a BIGINT column that holds integer koinu (pg returns int8 as a string like "1250000000")
 * into koinu. A fraction or any other text is a bug in the schema and throws.
 */
export function koinuFromBigintColumn(value: string): bigint {
  if (!/^-?\d+$/.test(value)) throw new Error(`unexpected BIGINT koinu value from the database: ${value}`);
  return BigInt(value);
}

/** Renders koinu for a NUMERIC(20,8) column: the same text as formatDoge. */
export const decimalColumnFromKoinu = formatDoge;
