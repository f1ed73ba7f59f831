/**
 * GET /v1/events: server-sent events of nudges for the signed-in user (docs/web.md). The browser sends
 * its user token in the Authorization header (the page reads the stream with fetch, not EventSource),
 * gets `event: ready` at once, a `: hb` comment every WEB_EVENTS_HEARTBEAT_MS, and one
 * `event: <kind>` / `data: {"topic","id"}` per nudge that reaches it. At most
 * WEB_EVENTS_MAX_STREAMS_PER_USER streams per user; one more is refused with 429.
 */
import { Router, type Response } from 'express';
import { TokenError, type TokenVerifier } from '@dbay/platform';
import type { Nudge } from '../../domain/nudges.js';
import { TOKEN_ERROR_CODES, webError } from './error-table.js';

interface Stream {
  userId: string;
  res: Response;
}

export interface EventStreamLimits {
  maxStreamsPerUser: number;
  heartbeatMs: number;
}

/** The open streams of this process; the event feed publishes nudges to it. */
export class StreamHub {
  private readonly byUser = new Map<string, Set<Stream>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly limits: EventStreamLimits) {
    this.heartbeat = setInterval(() => this.writeAll(': hb\n\n'), limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    let count = 0;
    for (const streams of this.byUser.values()) count += streams.size;
    return count;
  }

  /** Registers a stream, or returns false when the user already has the most allowed. */
  open(userId: string, res: Response): boolean {
    const streams = this.byUser.get(userId) ?? new Set<Stream>();
    if (streams.size >= this.limits.maxStreamsPerUser) return false;
    const stream = { userId, res };
    streams.add(stream);
    this.byUser.set(userId, streams);
    res.on('close', () => this.remove(stream));
    return true;
  }

  publish(nudge: Nudge): void {
    const frame = `event: ${nudge.kind}\ndata: ${JSON.stringify({ topic: nudge.topic, id: nudge.id })}\n\n`;
    if (nudge.audience.kind === 'everyone') {
      this.writeAll(frame);
      return;
    }
    for (const userId of nudge.audience.userIds) {
      for (const stream of this.byUser.get(userId) ?? []) write(stream, frame);
    }
  }

  /** Ends every stream (shutdown): the page reconnects to another replica or to the restarted one. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const streams of this.byUser.values()) for (const stream of streams) stream.res.end();
    this.byUser.clear();
  }

  private writeAll(frame: string): void {
    for (const streams of this.byUser.values()) for (const stream of streams) write(stream, frame);
  }

  private remove(stream: Stream): void {
    const streams = this.byUser.get(stream.userId);
    if (!streams) return;
    streams.delete(stream);
    if (streams.size === 0) this.byUser.delete(stream.userId);
  }
}

function write(stream: Stream, frame: string): void {
  if (!stream.res.writableEnded) stream.res.write(frame);
}

/** The user of a bearer token; the platform's token problems become the web's coded 401/403. */
async function authenticatedUser(verifier: TokenVerifier, header: string | undefined): Promise<string> {
  try {
    const principal = await verifier.authenticate(header, { kind: 'user' });
    if (principal.kind !== 'user') throw new TokenError('FORBIDDEN', 'user tokens only');
    return principal.userId;
  } catch (error) {
    if (error instanceof TokenError) throw webError(TOKEN_ERROR_CODES[error.problem], error.message);
    throw error;
  }
}

export function eventStreamRoutes(hub: StreamHub, verifier: TokenVerifier): Router {
  const router = Router();
  router.get('/events', async (req, res) => {
    const userId = await authenticatedUser(verifier, req.get('authorization'));
    if (!hub.open(userId, res)) {
      throw webError('WEB_TOO_MANY_STREAMS', 'too many open event streams for this user; close one first');
    }
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write('event: ready\ndata: {}\n\n');
  });
  return router;
}
