// Proves that money columns can never come back from pg as JS numbers, arrays included (pg's own
// default turns NUMERIC[] into floats), and which database failures the consumer waits out.
import { expect } from 'chai';
import { isTransientDatabaseError, MONEY_SAFE_TYPES } from '../src/index.js';

const parse = (oid: number, text: string) =>
  (MONEY_SAFE_TYPES.getTypeParser(oid, 'text') as (value: string) => unknown)(text);

describe('database types and errors', () => {
  it('keeps BIGINT, NUMERIC and their arrays as exact strings', () => {
    expect(parse(20, '9223372036854775807')).to.equal('9223372036854775807');
    expect(parse(1700, '12345678901.12345678')).to.equal('12345678901.12345678');
    expect(parse(1016, '{1,9007199254740993}')).to.deep.equal(['1', '9007199254740993']);
    expect(parse(1231, '{0.1,12345678901.12345678}')).to.deep.equal(['0.1', '12345678901.12345678']);
  });

  it('leaves the other types to pg', () => {
    expect(parse(23, '42')).to.equal(42);
    expect(parse(16, 't')).to.equal(true);
  });

  it('tells outages and retry requests from bugs', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['08006', '57P01', '53300', '40001', '40P01', 'ECONNREFUSED']) {
      expect(isTransientDatabaseError(pgError(code)), code).to.equal(true);
    }
    expect(isTransientDatabaseError(Object.assign(new Error('pool'), { name: 'KnexTimeoutError' }))).to.equal(
      true,
    );
    for (const code of ['23505', '23514', '42P01', '22P02']) {
      expect(isTransientDatabaseError(pgError(code)), code).to.equal(false);
    }
    expect(isTransientDatabaseError(new TypeError('bug'))).to.equal(false);
  });
});
