// Ending a whole tree of processes, including ones that left the process group (detached children).
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; the fields after the last ')' do not.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (Linux only; elsewhere the process group kill must do). */
export function descendantsOf(root: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** SIGKILLs `root`, its process group and every descendant found before the kill. */
export function killTree(root: number): void {
  const descendants = descendantsOf(root);
  for (const target of [-root, root, ...descendants]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

// Process trees started in their own group (a check run, an experiment) outlive this process unless
// it ends them: quitting `npm start`, Ctrl-C or an error would leave them running, a stuck one at
// full CPU. Each is ended when this process exits or is interrupted.
const ownedTrees = new Set<number>();
let endingHooked = false;

function endOwnedTrees(): void {
  for (const root of ownedTrees) killTree(root);
  ownedTrees.clear();
}

/** Ends the tree under `root` if this process ends first. Returns the function that forgets it. */
export function endWithThisProcess(root: number): () => void {
  if (!endingHooked) {
    endingHooked = true;
    process.on('exit', endOwnedTrees);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, function onSignal() {
        endOwnedTrees();
        // Another handler (grade's, serve's) decides what happens next; alone, this one must not
        // swallow the signal: it ends the process the way the signal would have.
        if (process.listenerCount(signal) === 1) {
          process.off(signal, onSignal);
          process.kill(process.pid, signal);
        }
      });
    }
  }
  ownedTrees.add(root);
  return () => ownedTrees.delete(root);
}
