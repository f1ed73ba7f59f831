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
