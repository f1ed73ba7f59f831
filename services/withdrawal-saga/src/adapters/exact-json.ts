/**
 * JSON.parse loses precision on amounts like 12345678.12345678 (a float cannot hold them), and
 * Dogecoin Core writes amounts as bare JSON numbers in DOGE. This parser keeps every number as its
 * source text, so an amount is converted to koinu exactly by @dbay/money and an integer field
 * (confirmations, heights) by Number only after checking it is safe.
 */

export class JsonNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 64;

export function parseExactJson(text: string): ExactJson {
  let position = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON at ${position}: ${what}`);
  };
  const skipSpace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position]!)) position += 1;
  };
  const parseString = (): string => {
    const start = position;
    position += 1;
    while (position < text.length && text[position] !== '"') position += text[position] === '\\' ? 2 : 1;
    if (position >= text.length) fail('unterminated string');
    position += 1;
    return JSON.parse(text.slice(start, position)) as string;
  };
  const parseValue = (depth: number): ExactJson => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skipSpace();
    const char = text[position];
    if (char === '"') return parseString();
    if (char === '{') {
      position += 1;
      const object: { [key: string]: ExactJson } = {};
      skipSpace();
      if (text[position] === '}') {
        position += 1;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[position] !== '"') fail('expected a key');
        const key = parseString();
        skipSpace();
        if (text[position] !== ':') fail('expected ":"');
        position += 1;
        object[key] = parseValue(depth + 1);
        skipSpace();
        if (text[position] === ',') position += 1;
        else if (text[position] === '}') {
          position += 1;
          return object;
        } else fail('expected "," or "}"');
      }
    }
    if (char === '[') {
      position += 1;
      const array: ExactJson[] = [];
      skipSpace();
      if (text[position] === ']') {
        position += 1;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skipSpace();
        if (text[position] === ',') position += 1;
        else if (text[position] === ']') {
          position += 1;
          return array;
        } else fail('expected "," or "]"');
      }
    }
    for (const [literal, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(literal, position)) {
        position += literal.length;
        return value;
      }
    }
    NUMBER.lastIndex = position;
    const match = NUMBER.exec(text);
    if (!match) return fail('unexpected character');
    position += match[0].length;
    return new JsonNumber(match[0]);
  };
  const value = parseValue(0);
  skipSpace();
  if (position !== text.length) fail('trailing characters');
  return value;
}

/** An integer field (confirmations, block height) as a JS number, refusing fractions and unsafe sizes. */
export function integerOf(value: ExactJson | undefined, what: string): number {
  if (!(value instanceof JsonNumber) || !/^-?\d+$/.test(value.text))
    throw new Error(`${what} is not an integer`);
  const number = Number(value.text);
  if (!Number.isSafeInteger(number)) throw new Error(`${what} is out of range`);
  return number;
}

export function stringOf(value: ExactJson | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  return value;
}

export function objectOf(value: ExactJson | undefined, what: string): { [key: string]: ExactJson } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
    throw new Error(`${what} is not an object`);
  }
  return value;
}
