/**
 * The machine a benchmark ran on, printed beside its numbers (a shared two-core machine's load moves
 * them), and its knobs, read from the environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/** Linux counts CPU time in clock ticks of 10 ms (USER_HZ = 100 on every architecture Node runs on). */
const MS_PER_TICK = 10;

/** CPU milliseconds the whole machine spent busy (every CPU, everything but idle and iowait) so far. */
function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * MS_PER_TICK;
}

/** A process's command name and CPU milliseconds (its own and its reaped children's) so far; undefined once it is gone. */
function processStat(pid: number | string): { command: string; cpuMs: number } | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line (12 and 13 after the name); cutime and
    // cstime, 16 and 17, are its children's that it has reaped: Postgres backends and pgbench runs that
    // ended while measured count through their parent.
    const [utime, stime, cutime, cstime] = after.slice(11, 15).map(Number);
    return {
      command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      cpuMs: (utime! + stime! + cutime! + cstime!) * MS_PER_TICK,
    };
  } catch {
    return undefined;
  }
}

function processCpuMs(pid: number): number {
  return processStat(pid)?.cpuMs ?? 0;
}

/**
 * CPU milliseconds so far of every running process with this command name (`postgres`: the server and
 * its backends; `java`: the brokers and the registry), by process id.
 */
function commandCpuMs(command: string): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(entry);
    if (stat?.command === command) byPid.set(entry, stat.cpuMs);
  }
  return byPid;
}

/**
 * What the processes of `after` spent since `before` (a process that started in between counts whole).
 * One that ended in between counts through its parent when that is one of them (a Postgres backend
 * through the postmaster), else not at all: a lower bound.
 */
function spentSince(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

export interface CpuUse {
  /** Wall-clock milliseconds measured. */
  wallMs: number;
  /** CPU milliseconds the whole machine was busy (all processes, Postgres, Kafka and the stack included). */
  machineMs: number;
  /** CPU milliseconds of each named process. */
  processesMs: Record<string, number>;
}

/**
 * Starts measuring CPU time: of the whole machine, of the named processes and of every process running
 * one of `commands` (Postgres and the JVMs by default). `stop()` returns what was
 * spent since, so a benchmark can say how many CPU milliseconds one operation costs, and on what.
 */
export function cpuMeter(
  processes: Record<string, number | undefined>,
  commands: readonly string[] = ['postgres', 'java'],
): { stop(): CpuUse } {
  const named = Object.entries(processes).filter(
    (entry): entry is [string, number] => entry[1] !== undefined,
  );
  const readProcesses = () => named.map(([, pid]) => processCpuMs(pid));
  const readCommands = () => commands.map(commandCpuMs);
  const wallStarted = performance.now();
  const machineStarted = machineBusyMs();
  const processesStarted = readProcesses();
  const commandsStarted = readCommands();
  return {
    stop: () => {
      const processesEnded = readProcesses();
      const commandsEnded = readCommands();
      return {
        wallMs: performance.now() - wallStarted,
        machineMs: machineBusyMs() - machineStarted,
        processesMs: Object.fromEntries<number>([
          ...named.map(([name], i): [string, number] => [name, processesEnded[i]! - processesStarted[i]!]),
          ...commands.map((command, i): [string, number] => [
            command,
            spentSince(commandsStarted[i]!, commandsEnded[i]!),
          ]),
        ]),
      };
    },
  };
}

/** Adds two measurements of the same processes (rounds of one benchmark). */
export function addCpuUse(a: CpuUse | undefined, b: CpuUse): CpuUse {
  if (!a) return b;
  const processesMs = { ...a.processesMs };
  for (const [name, ms] of Object.entries(b.processesMs)) processesMs[name] = (processesMs[name] ?? 0) + ms;
  return { wallMs: a.wallMs + b.wallMs, machineMs: a.machineMs + b.machineMs, processesMs };
}

/**
 * `machine 12.3 ms (wallet 2.1, order 6.0) CPU per op, busy 1.87 of 2 CPUs`: CPU milliseconds per operation,
 * and how many of the machine's CPUs were busy on average while measured.
 */
export function cpuPerOpLine(use: CpuUse, ops: number): string {
  const per = (ms: number) => (ops > 0 ? (ms / ops).toFixed(1) : '-');
  const processes = Object.entries(use.processesMs)
    .map(([name, ms]) => `${name} ${per(ms)}`)
    .join(', ');
  const busy = use.wallMs > 0 ? (use.machineMs / use.wallMs).toFixed(2) : '-';
  return `machine ${per(use.machineMs)} ms${processes ? ` (${processes})` : ''} CPU per op, busy ${busy} of ${os.cpus().length} CPUs`;
}

/**
 * A benchmark's CPU use by measurement name, added up over its rounds, for the processes it names (the
 * record is read at each start, so a process started later can be added to it).
 */
export class CpuTally {
  private readonly byName = new Map<string, CpuUse>();

  constructor(private readonly processes: Record<string, number | undefined>) {}

  /** Meters `work`, the measured part of measurement `name` (not its warm-up). */
  async measure<T>(name: string, work: () => Promise<T>): Promise<T> {
    const meter = cpuMeter(this.processes);
    try {
      return await work();
    } finally {
      this.add(name, meter.stop());
    }
  }

  /** The same as two callbacks, for a measurement that starts and ends inside a driver (drivePgbench). */
  around(name: string): { started(): void; ended(): void } {
    let meter: { stop(): CpuUse } | undefined;
    return {
      started: () => (meter = cpuMeter(this.processes)),
      ended: () => meter && this.add(name, meter.stop()),
    };
  }

  /** `cpuPerOpLine` of measurement `name` over `ops` operations, or undefined when it was not metered. */
  line(name: string, ops: number): string | undefined {
    const use = this.byName.get(name);
    return use && cpuPerOpLine(use, ops);
  }

  private add(name: string, use: CpuUse): void {
    this.byName.set(name, addCpuUse(this.byName.get(name), use));
  }
}
