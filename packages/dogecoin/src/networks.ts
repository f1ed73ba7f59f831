/**
 * Dogecoin's network parameters in the shape bitcoinjs-lib and bip32 expect, taken from Dogecoin
 * Core 1.14's src/chainparams.cpp (base58Prefixes; checked against dogecoin/dogecoin at commit
 * d0902798850371b6b7b632141dc5e4227c92171f, the 1.14 branch). Dogecoin has no SegWit, so bech32 is
 * a placeholder that no code path uses.
 *
 * Beware of the 1.21 development branch: there regtest copies testnet's prefixes (0x71/0xc4/0xf1).
 * Every released 1.14.x node, which is what we run, uses 0x6f/0xc4/0xef on regtest, as below.
 */
import type { Network } from 'bitcoinjs-lib';

export type NetworkName = 'mainnet' | 'testnet' | 'regtest';

/** Message prefix used by Dogecoin's signmessage (strMessageMagic). */
const MESSAGE_PREFIX = '\x19Dogecoin Signed Message:\n';

export const mainnet: Network = {
  messagePrefix: MESSAGE_PREFIX,
  bech32: 'doge-no-segwit',
  // EXT_PUBLIC_KEY / EXT_SECRET_KEY: 0x02facafd ("dgub") / 0x02fac398 ("dgpv").
  bip32: { public: 0x02facafd, private: 0x02fac398 },
  pubKeyHash: 0x1e, // addresses start with D
  scriptHash: 0x16, // addresses start with 9 or A
  wif: 0x9e,
};

export const testnet: Network = {
  messagePrefix: MESSAGE_PREFIX,
  bech32: 'doge-no-segwit',
  bip32: { public: 0x043587cf, private: 0x04358394 }, // tpub / tprv
  pubKeyHash: 0x71, // addresses start with n
  scriptHash: 0xc4, // addresses start with 2
  wif: 0xf1,
};

export const regtest: Network = {
  messagePrefix: MESSAGE_PREFIX,
  bech32: 'doge-no-segwit',
  bip32: { public: 0x043587cf, private: 0x04358394 }, // tpub / tprv
  pubKeyHash: 0x6f, // addresses start with m or n
  scriptHash: 0xc4, // addresses start with 2
  wif: 0xef,
};

export const networks: Record<NetworkName, Network> = { mainnet, testnet, regtest };

export function networkByName(name: NetworkName): Network {
  return networks[name];
}

export const NETWORK_NAMES: readonly NetworkName[] = ['mainnet', 'testnet', 'regtest'];

export function isNetworkName(text: string): text is NetworkName {
  return (NETWORK_NAMES as readonly string[]).includes(text);
}
