/**
 * Reads Dogecoin Core 1.14 RPC results (lossless JSON) into typed values, checking the shape as it
 * goes. A field that is missing, of the wrong type, an amount with more than 8 decimals or an
 * exponent, a height that is not a safe integer, a hash that is not 64 hex digits: each makes the
 * whole answer malformed (RpcMalformedAnswerError naming the method and the path), never a silent
 * default. The client's own typed calls and the services' decoders of bigger answers (getblock,
 * getrawtransaction) all read through this class.
 *
 * Amounts: Core writes ValueFromAmount as a JSON number with 8 decimals ("0.10000001"); its digits
 * are converted with @dbay/money's parseDoge, bigint arithmetic only, never through a float.
 * Dogecoin's MAX_MONEY (10 billion DOGE) is also parseDoge's upper bound, so a larger amount is
 * refused rather than read.
 */
import { parseDoge } from '@dbay/money';
import { RpcMalformedAnswerError } from './errors.js';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './json.js';

/** A block hash or txid as Core prints it. */
const HASH_HEX = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
/** Non-negative integers of at most 16 digits; Number.isSafeInteger settles the rest. */
const COUNT = /^(?:0|[1-9]\d{0,15})$/;

export class RpcResultReader {
  constructor(readonly method: string) {}

  fail(path: string, problem: string): never {
    throw new RpcMalformedAnswerError(this.method, `${path}: ${problem}`);
  }

  object(value: JsonValue | undefined, path: string): JsonObject {
    if (!isJsonObject(value)) this.fail(path, 'expected an object');
    return value;
  }

  array(value: JsonValue | undefined, path: string): JsonValue[] {
    if (!Array.isArray(value)) this.fail(path, 'expected an array');
    return value;
  }

  string(value: JsonValue | undefined, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'expected a string');
    return value;
  }

  boolean(value: JsonValue | undefined, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
    return value;
  }

  /** A txid or block hash: 64 lower-case hex digits. */
  hash(value: JsonValue | undefined, path: string): string {
    const text = this.string(value, path);
    if (!HASH_HEX.test(text)) this.fail(path, 'expected 64 lower-case hex digits');
    return text;
  }

  /** Serialized bytes (a script, a raw transaction): lower-case hex, whole bytes. */
  hex(value: JsonValue | undefined, path: string): string {
    const text = this.string(value, path);
    if (!HEX.test(text)) this.fail(path, 'expected lower-case hex bytes');
    return text;
  }

  /** A non-negative integer that fits a JS number exactly (heights, counts, confirmations, indexes). */
  count(value: JsonValue | undefined, path: string): number {
    if (!(value instanceof JsonNumber) || !COUNT.test(value.value)) {
      this.fail(path, `expected a non-negative integer, got ${describe(value)}`);
    }
    const number = Number(value.value);
    if (!Number.isSafeInteger(number)) this.fail(path, `${value.value} is too large`);
    return number;
  }

  /** An amount in DOGE as Core prints it, as exact koinu. */
  koinu(value: JsonValue | undefined, path: string): bigint {
    if (!(value instanceof JsonNumber)) this.fail(path, `expected an amount, got ${describe(value)}`);
    try {
      return parseDoge(value.value, { allowZero: true });
    } catch (error) {
      return this.fail(
        path,
        `amount ${value.value}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value instanceof JsonNumber) return value.value;
  return JSON.stringify(value).slice(0, 60);
}
