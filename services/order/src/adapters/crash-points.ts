/**
 * Test-only crash points (ORDER_CRASH_AT): the process kills itself with SIGKILL there, so a test proves
 * that nothing between the order service's transaction and the wallet's answer can lose or duplicate
 * money. ORDER_CRASH_FOR narrows a point to one listing or auction, so a test on the shared stack crashes
 * on its own only. Production never sets them.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';

export const CRASH_POINTS = [
  /** The buy committed (order PENDING_PAYMENT, escrow.lock-requested in the outbox); nothing published. */
  'after-order-committed',
  /** escrow.lock-requested reached Kafka; the outbox row is not yet marked sent. */
  'after-lock-request-published',
  /** The wallet's answer arrived; the order is locked inside the consumer's transaction, nothing saved. */
  'before-answer-applied',
  /** The answer was applied and committed; the consumer's offset is not yet committed. */
  'after-answer-committed',
  /** A bid is recorded PENDING; its lock request has not left for the wallet (it may arrive late). */
  'before-bid-lock',
  /** A bid's maximum is locked in the wallet; the bid is not yet applied to the auction. */
  'after-bid-locked',
  /** Inside the close's transaction, the order written, nothing committed. */
  'during-auction-close',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface CrashSettings {
  point: CrashPoint | undefined;
  /** The listing or auction a point is narrowed to. */
  forSubject: string | undefined;
}

export class CrashPoints {
  constructor(
    private readonly settings: CrashSettings,
    private readonly logger: Logger,
  ) {}

  get armed(): boolean {
    return this.settings.point !== undefined;
  }

  /** Kills the process when `point` is the configured one and its listing or auction matches. */
  reach(point: CrashPoint, subjectId: string | null): void {
    if (this.settings.point !== point) return;
    if (this.settings.forSubject !== undefined && this.settings.forSubject !== subjectId) return;
    this.logger.fatal({ point, subjectId }, 'ORDER_CRASH_AT reached: killing the process (test crash point)');
    process.kill(process.pid, 'SIGKILL');
  }

  /** The relay's afterPublish seam: the listings of the lock requests just published. */
  async afterPublish(db: Knex, eventIds: readonly string[]): Promise<void> {
    if (this.settings.point !== 'after-lock-request-published') return;
    const rows = await db('outbox as o')
      .join('orders as r', db.raw("r.id = (o.payload->>'orderId')::uuid"))
      .whereIn('o.event_id', [...eventIds])
      .where('o.topic', 'escrow.lock-requested')
      .select<{ listing_id: string | null }[]>('r.listing_id');
    for (const row of rows) this.reach('after-lock-request-published', row.listing_id);
  }

  /** The consumer's beforeOffsetCommit seam: the listing of the order whose answer just committed. */
  async afterAnswerCommitted(db: Knex, topic: string, partition: number, offset: string): Promise<void> {
    if (this.settings.point !== 'after-answer-committed') return;
    const row = await db('inbox as i')
      .join('outbox as o', 'o.causation_id', db.raw('i.event_id::text'))
      .join('orders as r', db.raw("r.id = (o.payload->>'orderId')::uuid"))
      .where({ 'i.topic': topic, 'i.partition': partition, 'i.offset': offset })
      .first<{ listing_id: string | null } | undefined>('r.listing_id');
    if (row) this.reach('after-answer-committed', row.listing_id);
  }
}
