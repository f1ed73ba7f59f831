// Proves that amounts on the pages stay exact bigint koinu: display text, the fee + amount total, and the
// amount field refusing what the API refuses, without a JS number anywhere.
import { expect } from 'chai';
import { koinuOf, readAmountInput, showDoge, showDogeText } from '../src/lib/money.js';

describe('web-ui money', () => {
  it('shows koinu grouped, trimmed and with the unit', () => {
    expect(showDoge(0n)).to.equal('0 DOGE');
    expect(showDoge(1n)).to.equal('0.00000001 DOGE');
    expect(showDoge(100_000_000n)).to.equal('1 DOGE');
    expect(showDoge(123_456_789_000n)).to.equal('1,234.56789 DOGE');
    expect(showDoge(-150_000_000n)).to.equal('-1.5 DOGE');
    expect(showDogeText('1000000.10000000')).to.equal('1,000,000.1 DOGE');
  });

  it('adds fee and amount exactly where floats would not', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004.
    expect(showDoge(koinuOf('0.10000000') + koinuOf('0.20000000'))).to.equal('0.3 DOGE');
    const large = koinuOf('9999999999.99999999') + koinuOf('0.00000001');
    expect(large).to.equal(1_000_000_000_000_000_000n);
  });

  it('accepts what the API accepts in the amount field', () => {
    expect(readAmountInput(' 12.5 ')).to.deep.equal({ ok: true, koinu: 1_250_000_000n });
    expect(readAmountInput('0.00000001')).to.deep.equal({ ok: true, koinu: 1n });
  });

  it('refuses what the API refuses, in words', () => {
    for (const text of ['', 'abc', '1e5', '1,5', '0', '-1', '0.000000001', '10000000001']) {
      const result = readAmountInput(text);
      expect(result.ok, text).to.equal(false);
      if (!result.ok) expect(result.problem, text).to.match(/^[A-Z].*\.$/);
    }
  });
});
