// Proves the wallet's rule for the platform's own addresses: a reserved address, a derived change or
// receive address and a cold account's receive address are recognised without the database; anything
// else is left to the deposit table; and the derived window is exactly the addresses of the account xpub
// (published BIP44 vectors, and the same derivation the saga uses for change).
import { expect } from 'chai';
import { bip44Vectors } from '@dbay/dogecoin/bip44-vectors';
import { deriveAddress, mainnet, parseAccountXpub } from '@dbay/dogecoin';
import { deriveChainAddresses, ownAddressKind, type DerivedAddressWindow } from '../src/domain/index.js';

const vector = bip44Vectors[0]!;
const account = parseAccountXpub(vector.accountXpub, mainnet);

describe('own addresses', () => {
  const derived: DerivedAddressWindow = new Map([
    ['change-3', 'change'],
    ['receive-7', 'receive'],
  ]);
  const cold: DerivedAddressWindow = new Map([['cold-receive-2', 'receive']]);
  const reserved = new Set(['cold-wallet']);

  it('recognises reserved, change, receive and cold addresses without asking the database', () => {
    expect(ownAddressKind('cold-wallet', reserved, derived, cold)).to.equal('reserved');
    expect(ownAddressKind('change-3', reserved, derived, cold)).to.equal('change');
    expect(ownAddressKind('receive-7', reserved, derived, cold)).to.equal('deposit');
    expect(ownAddressKind('cold-receive-2', reserved, derived, cold)).to.equal('cold');
  });

  it('leaves any other address to the deposit table, also while a window is not derived yet', () => {
    expect(ownAddressKind('somebody-else', reserved, derived, cold)).to.equal('ask-assigned');
    expect(ownAddressKind('change-3', new Set(), undefined, undefined)).to.equal('ask-assigned');
    expect(ownAddressKind('cold-receive-2', reserved, derived, undefined)).to.equal('ask-assigned');
    expect(ownAddressKind('cold-wallet', reserved, undefined, undefined)).to.equal('reserved');
  });

  it('derives the published receive address of the account xpub', () => {
    const published = vector.addresses.find((entry) => entry.chain === 'receive')!;
    const window = deriveChainAddresses(account, 'receive', 0, published.index + 1, mainnet);
    expect(window[published.index]).to.equal(published.address);
  });

  it('derives the same change addresses as deriveAddress, in index order, from any start', () => {
    const window = deriveChainAddresses(account, 'change', 5, 9, mainnet);
    expect(window).to.deep.equal(
      [5, 6, 7, 8].map((index) => deriveAddress(account, 'change', index, mainnet).address),
    );
    expect(window).to.not.include(deriveAddress(account, 'receive', 5, mainnet).address);
  });
});
