/**
 * Reads a JSON-RPC body with the lossless-json package. Dogecoin Core prints amounts as JSON numbers
 * in DOGE with 8 decimals (`"value": 0.10000001`); `JSON.parse` would turn them into binary floats
 * before the digits could be seen, so every number stays a `JsonNumber` (lossless-json's
 * LosslessNumber: its exact source text) until a reader turns it into a bigint koinu amount or a safe
 * integer, refusing anything else.
 *
 * lossless-json is a strict parser: trailing commas, single quotes, NaN, leading zeros, raw control
 * characters in strings, conflicting duplicate keys and trailing garbage all throw. Its error becomes
 * a `JsonSyntaxError`, so a malformed answer is an error, never a best guess.
 */
import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';

export { LosslessNumber as JsonNumber };

export type JsonValue = null | boolean | string | LosslessNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses `text` as one JSON value, numbers kept as `JsonNumber`. Throws `JsonSyntaxError`. */
export function parseRpcJson(text: string): JsonValue {
  try {
    return parse(text) as JsonValue;
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/**
 * Parses an answer that carries no amount (a block or transaction as raw hex, a hash): `JSON.parse`,
 * which reads a 2 MB `getblock <hash> 0` answer in ~13 ms where lossless-json's tokenizer takes ~800 ms
 * (measured by bench:deposits). Its only numbers are the echoed id and an error code, so every number
 * must be a safe integer (exact in a double) and becomes a `JsonNumber` like lossless-json's; any other
 * number is a `JsonSyntaxError`, so an amount can never slip through as a float. Unlike lossless-json,
 * `JSON.parse` lets a duplicate key's last value win: no field of these answers is read twice.
 */
export function parsePlainRpcJson(text: string): JsonValue {
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (typeof value !== 'number') return value;
      if (!Number.isSafeInteger(value)) throw new Error(`number ${value} where only integers may appear`);
      return new LosslessNumber(String(value));
    }) as JsonValue;
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
