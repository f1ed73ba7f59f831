// Proves that BIP44 derivation reproduces published Dogecoin wallet vectors (mnemonic -> seed ->
// account dgpv/dgub -> addresses), from the seed and from the account xpub alone, and that keys of
// the wrong kind, network or depth are refused without echoing them.
import { expect } from 'chai';
import {
  accountNodeFromSeed,
  accountPath,
  accountXpubFromSeed,
  addressPath,
  bip32,
  deriveAddress,
  deriveChild,
  DogecoinKeyError,
  mainnet,
  p2pkhAddress,
  parseAccountXpub,
  parseAddressPath,
  regtest,
  seedFromMnemonic,
  generateMnemonic,
  isValidMnemonic,
  testnet,
} from '../src/index.js';
import { bip44Vectors, edgeTestnetVector, extendedKeyVectors } from './fixtures/bip44-vectors.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function keyErrorOf(action: () => unknown): DogecoinKeyError {
  try {
    action();
  } catch (error) {
    if (error instanceof DogecoinKeyError) return error;
    throw error;
  }
  throw new Error('expected a DogecoinKeyError');
}

describe('@dbay/dogecoin BIP44 derivation', () => {
  for (const vector of bip44Vectors) {
    describe(`vector from ${vector.source}`, () => {
      const seed = seedFromMnemonic(vector.mnemonic, vector.passphrase);

      it('turns the mnemonic and passphrase into the published BIP39 seed', () => {
        expect(hex(seed)).to.equal(vector.seedHex);
      });

      it('derives the published account dgpv and dgub from the mnemonic', () => {
        expect(accountNodeFromSeed(seed, mainnet).toBase58()).to.equal(vector.accountXprv);
        expect(accountXpubFromSeed(seed, mainnet)).to.equal(vector.accountXpub);
      });

      for (const expected of vector.addresses) {
        it(`derives ${expected.address} at ${addressPath(expected.chain, expected.index)} from the xpub alone`, () => {
          const derived = deriveAddress(vector.accountXpub, expected.chain, expected.index, mainnet);
          expect(derived.address).to.equal(expected.address);
          expect(derived.path).to.equal(addressPath(expected.chain, expected.index));
        });

        it(`derives the same private key's address at ${addressPath(expected.chain, expected.index)} from the seed`, () => {
          const child = deriveChild(accountNodeFromSeed(seed, mainnet), expected.chain, expected.index);
          expect(child.privateKey).to.not.equal(undefined);
          expect(p2pkhAddress(child.publicKey, mainnet)).to.equal(expected.address);
        });
      }

      for (const expected of vector.publicKeys) {
        it(`derives the published public key at ${addressPath(expected.chain, expected.index)} from the xpub alone`, () => {
          const derived = deriveAddress(vector.accountXpub, expected.chain, expected.index, mainnet);
          expect(hex(derived.publicKey)).to.equal(expected.publicKeyHex);
        });
      }
    });
  }

  for (const vector of extendedKeyVectors) {
    describe(`child keys from ${vector.source}`, () => {
      const master = bip32.fromBase58(vector.masterXprv, mainnet);

      for (const child of vector.children) {
        const { account, chain, index } = parseAddressPath(child.path);

        it(`derives the published dgpv and dgub at ${child.path}`, () => {
          const accountNode = master.derivePath(accountPath(account));
          expect(deriveChild(accountNode, chain, index).toBase58()).to.equal(child.xprv);
          // From the account's public key alone: the same key and chain code as the private path gives.
          const accountXpub = accountNode.neutered().toBase58();
          expect(deriveChild(parseAccountXpub(accountXpub, mainnet), chain, index).toBase58()).to.equal(
            child.xpub,
          );
          const derived = deriveAddress(accountXpub, chain, index, mainnet, account);
          expect(derived.path).to.equal(child.path);
          expect(derived.address).to.equal(
            p2pkhAddress(bip32.fromBase58(child.xpub, mainnet).publicKey, mainnet),
          );
        });
      }
    });
  }

  it("uses tprv/tpub version bytes on testnet, reproducing Edge's testnet vector", () => {
    const node = bip32
      .fromSeed(seedFromMnemonic(edgeTestnetVector.mnemonic), testnet)
      .derivePath(edgeTestnetVector.path);
    expect(node.toBase58()).to.equal(edgeTestnetVector.xprv);
    expect(node.neutered().toBase58()).to.equal(edgeTestnetVector.xpub);
  });

  it('gives receive and change addresses distinct keys', () => {
    const xpub = bip44Vectors[0]!.accountXpub;
    const receive = deriveAddress(xpub, 'receive', 0, mainnet);
    const change = deriveAddress(xpub, 'change', 0, mainnet);
    expect(change.address).to.not.equal(receive.address);
    expect(change.path).to.equal("m/44'/3'/0'/1/0");
  });

  it('uses tpub version bytes and m/n addresses on regtest', () => {
    const seed = seedFromMnemonic(bip44Vectors[0]!.mnemonic);
    const xpub = accountXpubFromSeed(seed, regtest);
    expect(xpub.startsWith('tpub')).to.equal(true);
    expect(deriveAddress(xpub, 'receive', 0, regtest).address).to.match(/^[mn]/);
  });

  it('refuses an extended private key where the account xpub belongs, without echoing it', () => {
    const error = keyErrorOf(() => parseAccountXpub(bip44Vectors[0]!.accountXprv, mainnet));
    expect(error.code).to.equal('KEY_NOT_PUBLIC');
    expect(error.message).to.not.contain(bip44Vectors[0]!.accountXprv);
  });

  it('refuses a mainnet dgub on regtest', () => {
    expect(keyErrorOf(() => parseAccountXpub(bip44Vectors[0]!.accountXpub, regtest)).code).to.equal(
      'KEY_INVALID_XPUB',
    );
  });

  it('refuses an xpub that is not at account depth', () => {
    const seed = seedFromMnemonic(bip44Vectors[0]!.mnemonic);
    const root = bip32.fromSeed(seed, mainnet).neutered().toBase58();
    expect(keyErrorOf(() => parseAccountXpub(root, mainnet)).code).to.equal('KEY_WRONG_DEPTH');
  });

  it('refuses an invalid mnemonic without echoing it', () => {
    const bad =
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon';
    const error = keyErrorOf(() => seedFromMnemonic(bad));
    expect(error.code).to.equal('KEY_INVALID_MNEMONIC');
    expect(error.message).to.not.contain('abandon');
  });

  it('generates valid 24-word mnemonics', () => {
    const mnemonic = generateMnemonic();
    expect(mnemonic.split(' ')).to.have.length(24);
    expect(isValidMnemonic(mnemonic)).to.equal(true);
  });

  describe('paths', () => {
    it('parses canonical receive and change paths', () => {
      expect(parseAddressPath("m/44'/3'/0'/0/17")).to.deep.equal({ account: 0, chain: 'receive', index: 17 });
      expect(parseAddressPath("m/44'/3'/0'/1/2147483647")).to.deep.equal({
        account: 0,
        chain: 'change',
        index: 2147483647,
      });
    });

    for (const bad of [
      "m/44'/0'/0'/0/1",
      "m/44'/3'/0'/2/1",
      "m/44'/3'/0/0/1",
      'm/44h/3h/0h/0/1',
      "m/44'/3'/0'/0/01",
      "m/44'/3'/0'/0/2147483648",
      "m/44'/3'/0'/0/1'",
      "m/44'/3'/0'/0",
      " m/44'/3'/0'/0/1",
    ]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(keyErrorOf(() => parseAddressPath(bad)).code).to.equal('KEY_INVALID_PATH');
      });
    }

    it('refuses negative and non-integer indexes', () => {
      expect(keyErrorOf(() => addressPath('receive', -1)).code).to.equal('KEY_INVALID_PATH');
      expect(keyErrorOf(() => addressPath('receive', 1.5)).code).to.equal('KEY_INVALID_PATH');
    });
  });
});
