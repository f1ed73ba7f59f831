/**
 * The machine a benchmark ran on, printed beside its numbers (a shared two-core machine's load moves
 * them), and its knobs, read from the environment.
 */
import os from 'node:os';

export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

/** `bench:<name>  <ISO time>  <n> CPUs  load average before: <1, 5, 15 min>`: a benchmark's first line. */
export function machineLine(bench: string): string {
  return `${bench}  ${new Date().toISOString()}  ${os.cpus().length} CPUs  load average before: ${loadAverage()}`;
}

/** A whole-number knob from the environment, at least `minimum`; a bad value stops the run, naming it. */
export function intKnob(name: string, fallback: number, minimum = 1): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number of at least ${minimum}, not "${text}"`);
  }
  return value;
}

/** A yes/no knob: only `1` means yes. */
export function flagKnob(name: string): boolean {
  return process.env[name] === '1';
}
