// The scanner's in-memory watched set (WatchedHashes) against PostgreSQL: it holds what the table
// holds after a refresh, learns addresses added later on the next refresh, also reads a row whose
// insert clock lies before the last refresh but which committed after it (within the overlap), and
// shares one read between concurrent refreshes. A stale set would make the scanner skip a deposit.
import { expect } from 'chai';
import { WatchedHashes } from '../../src/adapters/db/watched-addresses.js';
import { assignAddress, createTestDatabase, type TestDatabase } from '../support/harness.js';
import { newRegtestAddress } from '../support/addresses.js';

describe('WatchedHashes: the watched set in memory (PostgreSQL)', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let index = 0;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  const assign = async (): Promise<string> => {
    const address = newRegtestAddress();
    index += 1;
    await assignAddress(database.knex, {
      userId: `user-${index}`,
      address: address.address,
      addressIndex: index,
    });
    return address.pubkeyHash;
  };

  it('holds every watched hash after a refresh and nothing else', async () => {
    const watched = [await assign(), await assign(), await assign()];
    const set = new WatchedHashes(database.knex, 60_000);
    expect(set.has(watched[0]!)).to.equal(false);
    await set.refresh();
    expect(set.size).to.equal(3);
    for (const hash of watched) expect(set.has(hash)).to.equal(true);
    expect(set.has(newRegtestAddress().pubkeyHash)).to.equal(false);
  });

  it('learns an address watched after its last refresh on the next one', async () => {
    const set = new WatchedHashes(database.knex, 60_000);
    await assign();
    await set.refresh();
    const later = await assign();
    expect(set.has(later)).to.equal(false);
    await set.refresh();
    expect(set.has(later)).to.equal(true);
    expect(set.size).to.equal(2);
  });

  it('reads a row stamped before its last refresh but committed after it, within the overlap', async () => {
    const set = new WatchedHashes(database.knex, 60_000);
    await assign();
    await set.refresh();
    // As a transaction that inserted 30 s ago and commits only now would leave it.
    const late = await assign();
    await database
      .knex('watched_addresses')
      .where({ pubkey_hash: late })
      .update({
        watched_at: database.knex.raw(`now() - interval '30 seconds'`),
      });
    await set.refresh();
    expect(set.has(late)).to.equal(true);
  });

  it('shares one read between concurrent refreshes', async () => {
    const hash = await assign();
    const set = new WatchedHashes(database.knex, 60_000);
    const first = set.refresh();
    const second = set.refresh();
    expect(second).to.equal(first);
    await Promise.all([first, second]);
    expect(set.has(hash)).to.equal(true);
    // A refresh after that read reads again (not the settled promise).
    const third = set.refresh();
    expect(third).to.not.equal(first);
    await third;
  });
});
