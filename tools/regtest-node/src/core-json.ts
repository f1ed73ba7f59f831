/**
 * Core writes JSON with UniValue, whose number text differs from JavaScript's in two ways that
 * clients can see: amounts are written from integer koinu as "%d.%08d" (ValueFromAmount in
 * src/core_write.cpp), and doubles as "%.16g" (UniValue::setFloat). Values built for a reply use the
 * wrappers below so the writer can reproduce both exactly, with no float ever touching money.
 */

/** An amount in koinu, written as DOGE with exactly 8 decimals (ValueFromAmount). */
export class Amount {
  constructor(readonly koinu: bigint) {}
}

/** A C++ double, written as "%.16g" like UniValue::setFloat. */
export class Real {
  constructor(readonly value: number) {}
}

/** A value from the request (the id) echoed back as the client sent it. */
export class Verbatim {
  constructor(readonly value: unknown) {}
}

export type CoreJson =
  | null
  | Verbatim
  | boolean
  | number
  | bigint
  | string
  | Amount
  | Real
  | CoreJson[]
  | { [key: string]: CoreJson };

export function formatAmount(koinu: bigint): string {
  const negative = koinu < 0n;
  const magnitude = negative ? -koinu : koinu;
  const whole = magnitude / 100_000_000n;
  const fraction = (magnitude % 100_000_000n).toString().padStart(8, '0');
  return `${negative ? '-' : ''}${whole.toString()}.${fraction}`;
}

/** printf("%.16g"): 16 significant digits, trailing zeros dropped, C's exponent style (e-10, e+20). */
export function formatReal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Core JSON number`);
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential(15).split('e');
  const exponent = Number(exponentText);
  const trim = (digits: string): string => (digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${trim(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trim(value.toFixed(Math.max(0, 15 - exponent)));
}

/** UniValue::write() without indentation: no spaces, keys in insertion order. */
export function writeCoreJson(value: CoreJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`integer expected in Core JSON, got ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Amount) return formatAmount(value.koinu);
  if (value instanceof Real) return formatReal(value.value);
  if (value instanceof Verbatim) return JSON.stringify(value.value ?? null);
  if (Array.isArray(value)) return `[${value.map(writeCoreJson).join(',')}]`;
  const members = Object.entries(value).map(
    ([key, member]) => `${JSON.stringify(key)}:${writeCoreJson(member)}`,
  );
  return `{${members.join(',')}}`;
}
