// Proves the reserves comparison a snapshot publishes: the platform's coins must cover the liabilities
// less the withdrawals already on their way; one koinu short is a finding naming the snapshot and both
// amounts, and exactly enough is covered.
import { expect } from 'chai';
import {
  checkReservesCoverage,
  reservesCovered,
} from '../../src/domain/checks/reserves-cover-liabilities.js';

const base = { snapshotId: 's1', liabilitiesKoinu: 1_000n, chainKoinu: 900n, inFlightKoinu: 100n };

describe('reserves-cover-liabilities', () => {
  it('is covered when the coins equal the liabilities less in-flight withdrawals', () => {
    expect(reservesCovered(base)).to.equal(true);
    expect(checkReservesCoverage(base)).to.deep.equal([]);
  });

  it('reports a shortfall of one koinu against the snapshot', () => {
    const short = { ...base, chainKoinu: 899n };
    expect(reservesCovered(short)).to.equal(false);
    expect(checkReservesCoverage(short)).to.deep.equal([
      {
        check: 'reserves-cover-liabilities',
        subjectType: 'chain',
        subjectId: 'reserve-snapshot:s1',
        expected: '>= 900',
        actual: '899',
        detail:
          "the platform's unspent coins on the node vs the published liabilities 1000 less in-flight withdrawals 100",
      },
    ]);
  });
});
