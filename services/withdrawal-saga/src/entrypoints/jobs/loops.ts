/**
 * The saga's timed work: release ended cool-downs and build batches, broadcast signed transactions,
 * track broadcast ones. Each loop runs its step, sleeps its interval (or until nudged), and never
 * overlaps itself; a failing step is logged and retried on the next tick (an open RPC breaker makes
 * that fast and cheap). stop() waits for the step in flight.
 */
import type { Logger } from 'pino';

export interface Loop {
  name: string;
  intervalMs: number;
  step: () => Promise<unknown>;
}

export class LoopRunner {
  private running = false;
  private readonly wakers = new Map<string, () => void>();
  private readonly finished: Promise<void>[] = [];

  constructor(
    private readonly loops: Loop[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running = true;
    for (const loop of this.loops) this.finished.push(this.run(loop));
  }

  /** Runs the named loop's next step now instead of at the end of its interval. */
  nudge(name: string): void {
    this.wakers.get(name)?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers.values()) wake();
    await Promise.all(this.finished);
  }

  private async run(loop: Loop): Promise<void> {
    while (this.running) {
      try {
        await loop.step();
      } catch (error) {
        this.logger.error({ err: error, loop: loop.name }, 'saga loop step failed; retrying next tick');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, loop.intervalMs);
        this.wakers.set(loop.name, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
