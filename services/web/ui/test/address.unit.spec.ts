// Proves the withdraw form refuses, before sending, the addresses the wallet would refuse on its network.
import { expect } from 'chai';
import { encodeAddress, networks } from '@dbay/dogecoin';
import { addressProblem } from '../src/lib/address.js';

const HASH = new Uint8Array(20).fill(7);

describe('withdrawal address check', () => {
  it('accepts P2PKH and P2SH addresses of the network', () => {
    expect(addressProblem(encodeAddress('p2pkh', HASH, networks.regtest), 'regtest')).to.equal(null);
    expect(addressProblem(encodeAddress('p2sh', HASH, networks.regtest), 'regtest')).to.equal(null);
    expect(addressProblem(encodeAddress('p2pkh', HASH, networks.mainnet), 'mainnet')).to.equal(null);
  });

  it('refuses another network, a typo and garbage, in words', () => {
    const mainnet = encodeAddress('p2pkh', HASH, networks.mainnet);
    expect(addressProblem(mainnet, 'regtest')).to.match(/another Dogecoin network/);
    const typo = `${mainnet.slice(0, -1)}${mainnet.endsWith('a') ? 'b' : 'a'}`;
    expect(addressProblem(typo, 'mainnet')).to.match(/typo/);
    expect(addressProblem('0OIl', 'mainnet')).to.match(/characters/);
    expect(addressProblem('  ', 'mainnet')).to.equal('Enter an address.');
  });
});
