// Proves that address validation accepts Dogecoin Core's own valid P2PKH/P2SH vectors on their
// network (returning type and hash) and refuses everything else with the right coded reason.
import { expect } from 'chai';
import { payments } from 'bitcoinjs-lib';
import {
  ECPair,
  encodeAddress,
  networks,
  outputScriptForAddress,
  p2pkhHashOfScript,
  validateAddress,
  isValidAddress,
} from '../src/index.js';
import { invalidAddresses, scriptVectors, validAddresses, wifVectors } from './fixtures/addresses.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('@dbay/dogecoin validateAddress', () => {
  for (const fixture of validAddresses) {
    it(`accepts ${fixture.network} ${fixture.type} ${fixture.address}`, () => {
      const result = validateAddress(fixture.address, networks[fixture.network]);
      expect(result).to.include({ ok: true, type: fixture.type });
      if (!result.ok) return;
      expect(hex(result.hash)).to.equal(fixture.hashHex);
      expect(encodeAddress(fixture.type, result.hash, networks[fixture.network])).to.equal(fixture.address);
    });
  }

  for (const fixture of invalidAddresses) {
    it(`refuses ${fixture.description} with ${fixture.code}`, () => {
      const result = validateAddress(fixture.address, networks[fixture.network]);
      expect(result).to.include({ ok: false, code: fixture.code });
      expect(isValidAddress(fixture.address, networks[fixture.network])).to.equal(false);
    });
  }

  for (const vector of scriptVectors) {
    it(`builds the published output script of ${vector.address}`, () => {
      expect(hex(outputScriptForAddress(vector.address, networks.mainnet))).to.equal(vector.scriptHex);
    });
  }

  for (const vector of wifVectors) {
    it(`reads Dogecoin Core's WIF ${vector.wif.slice(0, 6)}... with the mainnet prefix and finds ${vector.address}`, () => {
      const key = ECPair.fromWIF(vector.wif, networks.mainnet);
      expect(key.compressed).to.equal(vector.compressed);
      expect(payments.p2pkh({ pubkey: key.publicKey, network: networks.mainnet }).address).to.equal(
        vector.address,
      );
      expect(key.toWIF()).to.equal(vector.wif);
      expect(() => ECPair.fromWIF(vector.wif, networks.testnet)).to.throw();
    });
  }

  it('builds P2PKH and P2SH output scripts that carry the address hash', () => {
    const p2pkh = outputScriptForAddress('DD4KSSuBJqcjuTcvUg1CgUKeurPUFeEZkE', networks.mainnet);
    expect(hex(p2pkh)).to.equal('76a91456d9b1d684d5abef32134ebc6883d75d3a53e9be88ac');
    expect(hex(p2pkhHashOfScript(p2pkh)!)).to.equal('56d9b1d684d5abef32134ebc6883d75d3a53e9be');
    const p2sh = outputScriptForAddress('A7HRQk3GFCW2QasvdZxXuYj8kkQK5QrYLs', networks.mainnet);
    expect(hex(p2sh)).to.equal('a914a2dd71f34fe73314d6e37c44035513f203aa400b87');
    expect(p2pkhHashOfScript(p2sh)).to.equal(undefined);
  });

  it('throws with the coded reason when asked for the script of an invalid address', () => {
    expect(() => outputScriptForAddress('DD4KSSuBJqcjuTcvUg1CgUKeurPUFeEZkF', networks.mainnet)).to.throw(
      /BAD_CHECKSUM/,
    );
  });
});
