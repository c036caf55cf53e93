// Imported before any workbook code runs (vitest setupFiles, `node --import`): makes `.ts` worker
// files start on every supported Node, and tracks the threads and processes that code starts.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isToolingFile, trackChildProcesses, trackWorker } from './tracking.ts';
import { workerEntryFor } from './ts-workers.ts';

const require = createRequire(import.meta.url);
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
const patched = Symbol.for('workbook.worker-patched');

// A worker inherits the parent's flags. On Node 20 it would preload this very .ts file without a
// TypeScript loader and fail, and tsx itself adds ~150 ms to every worker's start while doing
// nothing there (workers get compiled files), so TypeScript preloads stay with the main thread.
function withoutTypeScriptPreloads(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.split('=', 2);
    if (name === '--import' || name === '--require' || name === '-r') {
      const value = inline ?? argv[i + 1] ?? '';
      if (/\.(c|m)?ts$/.test(value) || value === 'tsx' || value.startsWith('tsx/')) {
        if (inline === undefined) i++;
        continue;
      }
    }
    out.push(flag);
  }
  return out;
}

/** The flags named by ERR_WORKER_INVALID_EXEC_ARGV, if that is the error. */
function invalidFlags(error: unknown): Set<string> | undefined {
  const { code, message } = error as { code?: string; message?: string };
  if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || !message?.includes(': ')) return undefined;
  return new Set(message.slice(message.indexOf(': ') + 2).split(', '));
}

if (!(workerThreads.Worker as unknown as Record<symbol, boolean>)[patched]) {
  const RealWorker = workerThreads.Worker;
  class Worker extends RealWorker {
    static [patched] = true;
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const evaluated = Boolean(options?.eval);
      const entry = (!evaluated && workerEntryFor(filename)) || filename;
      const inherited = withoutTypeScriptPreloads(process.execArgv);
      // Left alone, Node passes the parent's options on itself and ignores the process-wide ones
      // (V8 flags such as --max-old-space-size). Given explicitly, those make the constructor
      // throw, so the list we pass keeps only what a worker accepts.
      const execArgv = options?.execArgv ?? (inherited.length === process.execArgv.length ? undefined : inherited);
      try {
        super(entry, { ...options, execArgv });
      } catch (error) {
        const invalid = invalidFlags(error);
        if (options?.execArgv || !execArgv || !invalid) throw error;
        super(entry, { ...options, execArgv: execArgv.filter((flag) => !invalid.has(flag)) });
      }
      if (!isToolingFile(filename)) trackWorker(this, filename, { eval: evaluated, name: options?.name });
    }
  }
  workerThreads.Worker = Worker;
  syncBuiltinESMExports();
  trackChildProcesses();
}
