/** The signer's topics (schemas/<topic>.avsc): one request topic it consumes, two answer topics it produces. */
export const TOPICS = {
  signingRequested: 'withdrawal.signing-requested',
  signed: 'withdrawal.signed',
  signingRefused: 'withdrawal.signing-refused',
} as const;
