/**
 * `@dbay/platform/invariant`: the one way code says "this cannot happen". A broken invariant is a bug,
 * never an expected outcome (those are values with codes), so it throws: the caller's transaction rolls
 * back and the process says so loudly instead of committing a wrong state (STYLE.md, TigerBeetle's
 * assertions). The module is pure and imports nothing, so a domain may use it; the lint allows a domain
 * this module of the platform and no other.
 *
 * Each domain names its own violation as a subclass (WalletInvariantViolation, AuctionInvariantViolation,
 * ...), so a log line or an `instanceof` says whose rule broke, and takes its invariant() from
 * invariantOf(ThatClass).
 */

export class InvariantViolation extends Error {
  /** `domain` says whose rule broke, in words ("wallet", "auction"); it opens the message. */
  constructor(
    readonly domain: string,
    detail: string,
  ) {
    super(`${domain} invariant violated: ${detail}`);
    this.name = new.target.name;
  }
}

/** Throws when `condition` is false, and lets the type checker take it as true afterwards. */
export type Invariant = (condition: boolean, message: string) => asserts condition;

/** A domain's invariant(): throws that domain's violation, with the message, when the condition is false. */
export function invariantOf(Violation: new (message: string) => InvariantViolation): Invariant {
  return (condition, message) => {
    if (!condition) throw new Violation(message);
  };
}
