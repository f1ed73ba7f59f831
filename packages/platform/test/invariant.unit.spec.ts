// Proves the one invariant helper: a domain's invariant() is silent while its condition holds and
// otherwise throws that domain's own violation, which is also an InvariantViolation and an Error, named
// after the domain's class, with a message that says whose rule broke.
import { expect } from 'chai';
import { InvariantViolation, invariantOf, type Invariant } from '../src/invariant.js';

class LedgerInvariantViolation extends InvariantViolation {
  constructor(message: string) {
    super('ledger', message);
  }
}
const invariant: Invariant = invariantOf(LedgerInvariantViolation);

describe('invariant', () => {
  it('is silent while the condition holds', () => {
    expect(() => invariant(true, 'never said')).not.to.throw();
  });

  it("throws the domain's own violation, with its name and whose rule broke", () => {
    let thrown: unknown;
    try {
      invariant(1n + 1n === 3n, 'postings sum to 1, not 0');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(LedgerInvariantViolation);
    expect(thrown).to.be.instanceOf(InvariantViolation);
    expect(thrown).to.be.instanceOf(Error);
    const violation = thrown as LedgerInvariantViolation;
    expect(violation.name).to.equal('LedgerInvariantViolation');
    expect(violation.domain).to.equal('ledger');
    expect(violation.message).to.equal('ledger invariant violated: postings sum to 1, not 0');
  });

  it('narrows what it asserts for the type checker', () => {
    const found: string | undefined = ['a'].find((letter) => letter === 'a');
    invariant(found !== undefined, 'the letter is there');
    // Compiles only because invariant() narrowed `found` to string.
    expect(found.toUpperCase()).to.equal('A');
  });
});
