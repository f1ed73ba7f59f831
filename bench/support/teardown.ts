/**
 * What a benchmark started, undone in reverse order however it ends: normally, by an error, or by Ctrl-C
 * or a SIGTERM (the processes it spawned stopped, the throwaway broker stopped and its directory removed,
 * the throwaway databases dropped). A failing step is reported and the others still run.
 */

export class Teardown {
  private readonly steps: { name: string; undo: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  /** Registers `undo` to run at the end, before everything registered earlier. */
  add(name: string, undo: () => Promise<void> | void): void {
    this.steps.push({ name, undo });
  }

  /** Runs every step once, last registered first; later calls wait for the same run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { name, undo } of [...this.steps].reverse()) {
        try {
          await undo();
        } catch (error) {
          console.error(`  teardown: ${name} failed:`, error);
        }
      }
    })();
    return this.running;
  }
}

/** Exit code of a run stopped by a signal (the shell's 128 + SIGINT). */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * Runs a benchmark's `main` with a teardown that always runs: after main returns, after it throws (then
 * the process exits 1), and on SIGINT or SIGTERM, which would otherwise end Node before any finally block.
 */
export async function runBench(main: (teardown: Teardown) => Promise<void>): Promise<void> {
  const teardown = new Teardown();
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n  ${signal}: stopping what the benchmark started`);
    void teardown.run().finally(() => process.exit(INTERRUPTED_EXIT_CODE));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await main(teardown);
  } catch (error) {
    console.error(error);
    await teardown.run();
    // A failed run may leave a socket or a timer behind that would keep Node waiting for nothing.
    process.exit(1);
  }
  await teardown.run();
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
}
