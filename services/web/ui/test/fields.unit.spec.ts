// Proves the Sell page's whole-number fields (shipping days, auction minutes) accept exactly the whole
// numbers in the order service's range and say what is wrong with anything else.
import { expect } from 'chai';
import { readWholeNumber } from '../src/lib/fields.js';

describe('web-ui whole-number fields', () => {
  it('accepts whole numbers inside the range, surrounding spaces allowed', () => {
    expect(readWholeNumber('1', 1, 60, 'days')).to.deep.equal({ ok: true, value: 1 });
    expect(readWholeNumber(' 60 ', 1, 60, 'days')).to.deep.equal({ ok: true, value: 60 });
    expect(readWholeNumber('86400', 1, 86_400, 'minutes')).to.deep.equal({ ok: true, value: 86_400 });
  });

  it('refuses what is not a whole number, in words', () => {
    for (const text of ['', '1.5', '-3', '1e2', 'ten', '0x10', '12345678'])
      expect(readWholeNumber(text, 1, 60, 'days'), text).to.deep.equal({
        ok: false,
        problem: 'Enter a whole number of days.',
      });
  });

  it('refuses a whole number outside the range and names the range', () => {
    expect(readWholeNumber('0', 1, 60, 'days')).to.deep.equal({
      ok: false,
      problem: 'Enter between 1 and 60 days.',
    });
    expect(readWholeNumber('86401', 1, 86_400, 'minutes')).to.deep.equal({
      ok: false,
      problem: 'Enter between 1 and 86,400 minutes.',
    });
  });
});
