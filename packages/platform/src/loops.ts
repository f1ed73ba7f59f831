// Timed background work every service shares: each loop runs its step, sleeps its interval (or until
// nudged), and never overlaps itself. A failing step is logged and retried on the next tick, so one bad
// tick (an open RPC breaker, a database hiccup) never kills the process; a step that must report its
// own failures in its own words catches them itself. stop() waits for the step in flight.
import type { Logger } from 'pino';

export interface Loop {
  name: string;
  intervalMs: number;
  step: () => Promise<unknown>;
  /** Wait one interval before the first step (a daily job should not run at every restart). */
  firstStepAfterInterval?: boolean;
}

export class LoopRunner {
  private running = false;
  private readonly wakers = new Map<string, () => void>();
  private readonly finished: Promise<void>[] = [];

  constructor(
    private readonly loops: readonly Loop[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
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
    if (loop.firstStepAfterInterval) await this.sleep(loop);
    while (this.running) {
      try {
        await loop.step();
      } catch (error) {
        this.logger.error({ err: error, loop: loop.name }, 'Loop step failed; retrying on the next tick');
      }
      if (!this.running) break;
      await this.sleep(loop);
    }
  }

  private sleep(loop: Loop): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, loop.intervalMs);
      this.wakers.set(loop.name, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
