/**
 * Which connected users hear about a Kafka event, and as what. A nudge says only "something of this
 * kind changed" (the topic and the main id): the page refetches over the user APIs, so nothing here
 * decides what a user may see beyond who gets the nudge.
 *
 *   kind        topics         who                               id
 *   deposit     deposit.*      payload.userId                    txid:vout
 *   balance     balance.*      payload.userId                    null
 *   withdrawal  withdrawal.*   payload.userId (when it has one)  withdrawalId
 *   order       order.*        payload.buyerId and sellerId      orderId
 *   auction     auction.*      everyone (prices, ends are public) auctionId
 *   bid         bid.*          payload.userId                    auctionId
 *
 * A topic of one of these families without the routing field (deposit.reorg-detected, the signer's
 * withdrawal.signing-* requests) nudges nobody. The routing reads fields by name, so a topic added to a
 * family later (withdrawal.step-recorded) routes the day its schema has the field.
 */

export const NUDGE_KINDS = ['deposit', 'balance', 'withdrawal', 'order', 'auction', 'bid'] as const;
export type NudgeKind = (typeof NUDGE_KINDS)[number];

export type Audience = { kind: 'everyone' } | { kind: 'users'; userIds: readonly string[] };

export interface Nudge {
  kind: NudgeKind;
  topic: string;
  /** The aggregate the page should refetch, or null when the kind has none (balance). */
  id: string | null;
  audience: Audience;
}

type Payload = Readonly<Record<string, unknown>>;

interface Rule {
  prefix: string;
  audience(payload: Payload): Audience | undefined;
  id(payload: Payload): string | null;
}

function text(payload: Payload, field: string): string | undefined {
  const value = payload[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The users named by `fields` (distinct, present ones); no audience when none is present. */
function usersIn(...fields: string[]): (payload: Payload) => Audience | undefined {
  return (payload) => {
    const userIds = [
      ...new Set(fields.map((field) => text(payload, field)).filter((id) => id !== undefined)),
    ];
    return userIds.length === 0 ? undefined : { kind: 'users', userIds };
  };
}

function field(name: string): (payload: Payload) => string | null {
  return (payload) => text(payload, name) ?? null;
}

function depositId(payload: Payload): string | null {
  const txid = text(payload, 'txid');
  const vout = payload.vout;
  return txid !== undefined && typeof vout === 'number' ? `${txid}:${vout}` : null;
}

const RULES: Record<NudgeKind, Rule> = {
  deposit: { prefix: 'deposit.', audience: usersIn('userId'), id: depositId },
  balance: { prefix: 'balance.', audience: usersIn('userId'), id: () => null },
  withdrawal: { prefix: 'withdrawal.', audience: usersIn('userId'), id: field('withdrawalId') },
  order: { prefix: 'order.', audience: usersIn('buyerId', 'sellerId'), id: field('orderId') },
  auction: { prefix: 'auction.', audience: () => ({ kind: 'everyone' }), id: field('auctionId') },
  bid: { prefix: 'bid.', audience: usersIn('userId'), id: field('auctionId') },
};

/** The kind of a topic's nudges by its family, or undefined for a topic the page never hears about. */
export function nudgeKindOf(topic: string): NudgeKind | undefined {
  return NUDGE_KINDS.find((kind) => topic.startsWith(RULES[kind].prefix));
}

/** The nudge an event makes, or undefined when it concerns no connected user. */
export function nudgeFor(topic: string, payload: Payload): Nudge | undefined {
  const kind = nudgeKindOf(topic);
  if (kind === undefined) return undefined;
  const rule = RULES[kind];
  const audience = rule.audience(payload);
  if (audience === undefined) return undefined;
  return { kind, topic, id: rule.id(payload), audience };
}

/** Whether `userId` is among the nudge's recipients. */
export function reaches(nudge: Nudge, userId: string): boolean {
  return nudge.audience.kind === 'everyone' || nudge.audience.userIds.includes(userId);
}
