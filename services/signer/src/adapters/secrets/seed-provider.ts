/**
 * Where the signer's seed comes from. Both providers hand back the 64-byte BIP39 seed together with
 * the network and account xpub the secret declares, so the caller can check the seed is the one it
 * expects before signing anything with it.
 */
import type { NetworkName } from '@dbay/dogecoin';

export interface LoadedSeed {
  seed: Uint8Array;
  network: NetworkName;
  accountXpub: string;
}

export interface SeedProvider {
  /** Names the source for logs (a path or a secret id), never its contents. */
  readonly description: string;
  loadSeed(): Promise<LoadedSeed>;
}
