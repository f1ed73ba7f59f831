/**
 * The withdrawal form's address check, with the same validator and Dogecoin network parameters the
 * wallet uses (@dbay/dogecoin), so the page refuses what the API would refuse before anything is sent.
 * The API still decides; its refusal is shown too.
 */
import { validateAddress, type AddressErrorCode } from '@dbay/dogecoin/address';
import { networks } from '@dbay/dogecoin/networks';
import type { NetworkName } from './types.js';

const PROBLEMS: Record<AddressErrorCode, string> = {
  NOT_A_STRING: 'Enter an address.',
  NOT_BASE58: 'This address contains characters a Dogecoin address never has (such as 0, O, I or l).',
  BAD_CHECKSUM: 'This address has a typo: its checksum does not match.',
  WRONG_LENGTH: 'This is not the length of a Dogecoin address.',
  WRONG_NETWORK: 'This address belongs to another Dogecoin network.',
  UNSUPPORTED_VERSION: 'This is not a Dogecoin address.',
};

/** null when the address is valid on `network`; otherwise what is wrong, in words. */
export function addressProblem(text: string, network: NetworkName): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return PROBLEMS.NOT_A_STRING;
  const result = validateAddress(trimmed, networks[network]);
  return result.ok ? null : PROBLEMS[result.code];
}
