// A memory bound for check runs that does not change what the checks see. A heap flag such as
// --max-old-space-size would be simpler, but V8 flags are process-wide and override the
// resourceLimits a pool gives its workers (q48-resource-limits then fails on its own solution:
// tried). So the grader watches the resident memory of each run's processes from outside and
// stops a run whose processes together go over the bound. Linux only (it reads /proc).
import { readFileSync } from 'node:fs';
import { descendantsOf, killTree } from '../check/processes.ts';

interface Watched {
  /** A string in the environment of every process of the run. */
  marker: string;
  limitMb: number;
  peakMb: number;
  exceededMb?: number;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
};

const residentMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`))?.[1] ?? 0) / 1024;

const watched = new Set<Watched>();
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  const pids = descendantsOf(process.pid).map((pid) => ({ pid, env: read(`/proc/${pid}/environ`) }));
  for (const entry of watched) {
    if (entry.exceededMb !== undefined) continue;
    const mine = pids.filter((p) => p.env.includes(entry.marker)).map((p) => p.pid);
    const total = mine.reduce((sum, pid) => sum + residentMb(pid), 0);
    entry.peakMb = Math.max(entry.peakMb, total);
    if (total > entry.limitMb) {
      entry.exceededMb = Math.round(total);
      for (const pid of mine) killTree(pid);
    }
  }
}

/** Watches the processes whose environment holds `marker`; call the result to stop watching. */
export function watchMemory(marker: string, limitMb: number): () => { peakMb: number; exceededMb?: number } {
  const entry: Watched = { marker, limitMb, peakMb: 0 };
  watched.add(entry);
  timer ??= setInterval(tick, 250);
  return () => {
    watched.delete(entry);
    if (watched.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
    return { peakMb: Math.round(entry.peakMb), exceededMb: entry.exceededMb };
  };
}
