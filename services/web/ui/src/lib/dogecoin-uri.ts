/**
 * The payment URI a wallet app scans: BIP21's form with Dogecoin's scheme, `dogecoin:<address>` and
 * an optional `?amount=<DOGE decimal>`. The address is copied exactly (base58 is case-sensitive, so
 * it is never upper-cased for a denser QR code); the amount is written from koinu without trailing
 * zeros, and only when it is positive.
 */
import { formatDoge } from '@dbay/money';

export function dogecoinUri(address: string, amountKoinu?: bigint): string {
  const base = `dogecoin:${address}`;
  if (amountKoinu === undefined || amountKoinu <= 0n) return base;
  const amount = formatDoge(amountKoinu).replace(/\.?0+$/, '');
  return `${base}?amount=${amount}`;
}
