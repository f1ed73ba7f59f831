/** How a topic name becomes TypeScript names: `escrow.lock-requested` -> escrowLockRequested. */

function words(topic: string): string[] {
  return topic.split(/[.\-_]/).filter((word) => word.length > 0);
}

const capitalised = (word: string): string => word[0]!.toUpperCase() + word.slice(1);

/** `escrow.lock-requested` -> `escrowLockRequested` (the key in TOPICS). */
export function camelName(topic: string): string {
  const [first = '', ...rest] = words(topic);
  return first + rest.map(capitalised).join('');
}

/** `escrow.lock-requested` -> `EscrowLockRequested` (prefix of the payload type and decoder). */
export function pascalName(topic: string): string {
  return words(topic).map(capitalised).join('');
}

/** `FraudReason` -> `fraudReason` (prefix of a nested record's zod schema). */
export function lowerFirst(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}
