// What experiments use to print evidence the same way everywhere: the machine they ran on,
// medians over repeated runs, and claims that are checked, not just stated.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';

// Experiments count and stop threads the same way checks do, without vitest.
export { stopAll, watchThreads } from '../runtime/tracking.ts';
export { watchWorkerLives, type WorkerLife } from './worker-lives.ts';
import type { TimelineTask } from '../../site/build/timeline.ts';
export type { TaskOutcome } from '../../site/build/timeline.ts';
/**
 * One task's bar in a recorded timeline, in the format the site draws (lessons/README.md,
 * "Timelines"), with its workers numbered and its ids of one kind.
 */
export interface TimelineSpan<Id extends string | number = string> extends TimelineTask {
  task: Id;
  worker?: number;
}

export interface Machine {
  node: string;
  cores: number;
  cpu: string;
  platform: string;
}

export function machine(): Machine {
  return {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${process.platform}-${process.arch}`,
  };
}

/** True under `npm test`, which runs every experiment with fewer repetitions to prove it runs. */
export const quick = process.env.WORKBOOK_QUICK === '1';

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const ms = (value: number, digits = 1): string => `${value.toFixed(digits)} ms`;

/**
 * Waits for `promise`, or `limitMs` at most (an experiment must not hang on a pool that does), and
 * leaves no timer behind. Resolves with the promise's value, or undefined if the time ran out first.
 */
export async function within<T>(limitMs: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), limitMs)))]);
  clearTimeout(timer);
  return result;
}

export interface Claim {
  claim: string;
  holds: boolean;
  evidence: string;
  /** False when the claim could not be tested fairly here (it needs idle cores; the machine was busy). */
  checked: boolean;
}

export interface ClaimOptions {
  /**
   * The claim is about parallel speed-up, so it needs cores nobody else is using. On a machine
   * already busy when the experiment started it is printed but not counted: a saturated machine
   * cannot show a speed-up, and saying it failed would be as wrong as saying it held.
   */
  needsIdleCores?: boolean;
}

export interface Experiment {
  /** Prints a measurement and keeps it for the recorded results. */
  measure(name: string, value: number | string, unit?: string): void;
  /** States a claim, checks it against what was observed, and prints both. */
  claim(claim: string, holds: boolean, evidence: string, options?: ClaimOptions): boolean;
  note(text: string): void;
  /** Prints the verdict, writes the record when asked to, and sets the exit code. */
  done(): void;
}

/** Starts an experiment: prints its question and the machine it runs on. */
export function experiment(question: string): Experiment {
  const info = machine();
  // Load before this experiment adds its own: other programs competing for the cores.
  const loadAtStart = loadavg()[0] ?? 0;
  const busy = loadAtStart >= info.cores;
  const measurements: Record<string, { value: number | string; unit?: string }> = {};
  const claims: Claim[] = [];
  console.log(`${question}`);
  console.log(`Node ${info.node}, ${info.cores} cores (${info.cpu})${quick ? ', quick mode: fewer repetitions' : ''}\n`);
  return {
    measure(name, value, unit) {
      // A name printed twice (an indented "  the worker received" under each case, say) must not
      // overwrite the first in the record: the later ones are kept as "name (2)", "name (3)".
      let key = name;
      for (let n = 2; key in measurements; n++) key = `${name} (${n})`;
      measurements[key] = { value, unit };
      // A timeline is data for a picture: the record keeps it, a terminal would only show a wall of JSON.
      if (unit === 'timeline') return console.log(`  ${name}: drawn as a picture on the lesson's page (npm run serve)`);
      const shown = typeof value === 'number' ? Number(value.toPrecision(4)) : value;
      console.log(`  ${name}: ${shown}${unit ? ` ${unit}` : ''}`);
    },
    claim(claim, holds, evidence, options = {}) {
      const checked = !(options.needsIdleCores && busy);
      claims.push({ claim, holds, evidence, checked });
      const mark = !checked ? '–' : holds ? '✓' : '✗';
      const caveat = checked ? '' : ` (not counted: the machine was busy, load ${loadAtStart.toFixed(1)} on ${info.cores} cores, and this claim needs idle cores to show)`;
      console.log(`  ${mark} ${claim}\n      ${evidence}${caveat}`);
      return holds;
    },
    note(text) {
      console.log(`  ${text}`);
    },
    done() {
      const counted = claims.filter((c) => c.checked);
      const failed = counted.filter((c) => !c.holds);
      const uncounted = claims.length - counted.length;
      console.log(
        (failed.length === 0
          ? `\n${counted.length} of ${counted.length} claims held on this machine.`
          : `\n${failed.length} of ${counted.length} claims did not hold on this machine: ${failed.map((c) => c.claim).join('; ')}`) +
          (uncounted ? ` ${uncounted} not counted: the machine was too busy to test them.` : ''),
      );
      const recordTo = process.env.WORKBOOK_RECORD;
      if (recordTo) writeFileSync(recordTo, JSON.stringify({ machine: { ...info, loadAtStart }, quick, measurements, claims }, null, 2));
      if (failed.length > 0) process.exitCode = 1;
    },
  };
}
