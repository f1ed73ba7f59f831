/** `platform-account-sum`: each platform account's balance column equals the net of its entries. */
import { finding, type Finding } from '../findings.js';

export interface PlatformAccount {
  code: string;
  balanceKoinu: bigint;
  /** SUM(credit) - SUM(debit) of the account's entries; zero when it has none. */
  netKoinu: bigint;
}

export function checkPlatformAccount(account: PlatformAccount): Finding[] {
  if (account.netKoinu === account.balanceKoinu) return [];
  return [
    finding(
      'platform-account-sum',
      'platform-account',
      account.code,
      account.netKoinu,
      account.balanceKoinu,
      'ledger net vs balance column',
    ),
  ];
}
