/** Fresh regtest P2PKH addresses for tests, with the HASH160 the watcher matches on. */
import { ECPair, hash160, p2pkhAddress, regtest } from '@dbay/dogecoin';

export interface TestAddress {
  address: string;
  pubkeyHash: string;
}

export function newRegtestAddress(): TestAddress {
  const key = ECPair.makeRandom({ network: regtest });
  return {
    address: p2pkhAddress(key.publicKey, regtest),
    pubkeyHash: Buffer.from(hash160(key.publicKey)).toString('hex'),
  };
}
