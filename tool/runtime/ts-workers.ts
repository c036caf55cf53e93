// Lets `new Worker('x.ts')` work on every supported Node.
// Node 20 ignores loaders passed to a Worker (nodejs/node#47747), so instead of a loader we
// compile the worker file once with esbuild, cache the result by content hash, and hand the
// real Worker the compiled .mjs. Node 24 could strip the types itself, but its stripper loads in
// every new worker and made start-up about twice as slow as a plain .mjs worker here, while the
// cached file starts as fast as one (npm run bench:ts-workers shows both), so we compile everywhere.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { threadId } from 'node:worker_threads';

export const nodeRunsTypeScript = Boolean((process.features as { typescript?: unknown }).typescript);

const TS_FILE = /\.(c|m)?ts$/;
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'workbook-workers');

type Compiled = { outFile: string; inputs: Array<{ path: string; mtimeMs: number; size: number }> };
const compiled = new Map<string, Compiled>();

/** Returns the path to give the real Worker, or undefined when the file needs no compiling. */
export function workerEntryFor(filename: unknown): string | undefined {
  const path = toPath(filename);
  if (!path || !TS_FILE.test(path)) return undefined;
  const known = compiled.get(path);
  if (known && known.inputs.every(unchanged)) return known.outFile;
  const fresh = compile(path);
  if (fresh.inputs.length > 0) compiled.set(path, fresh);
  return fresh.outFile;
}

function toPath(filename: unknown): string | undefined {
  if (filename instanceof URL) return filename.protocol === 'file:' ? fileURLToPath(filename) : undefined;
  if (typeof filename !== 'string') return undefined;
  if (filename.startsWith('file:')) return fileURLToPath(filename);
  // Node resolves a relative worker path against the working directory; so do we.
  return resolve(filename);
}

function unchanged(input: Compiled['inputs'][number]): boolean {
  try {
    const s = statSync(input.path);
    return s.mtimeMs === input.mtimeMs && s.size === input.size;
  } catch {
    return false;
  }
}

function compile(entry: string): Compiled {
  // Loaded lazily: most processes never start a .ts worker.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const url = pathToFileURL(entry).href;
  let code: string;
  let inputs: Compiled['inputs'] = [];
  try {
    const result = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      // The compiled file lives in the cache; keep the worker's idea of where it is.
      define: {
        'import.meta.url': JSON.stringify(url),
        'import.meta.filename': JSON.stringify(entry),
        'import.meta.dirname': JSON.stringify(dirname(entry)),
      },
      banner: { js: 'process.setSourceMapsEnabled?.(true);' },
    });
    code = result.outputFiles[0]!.text;
    inputs = Object.keys(result.metafile!.inputs).map((p) => {
      const abs = resolve(p);
      const s = statSync(abs);
      return { path: abs, mtimeMs: s.mtimeMs, size: s.size };
    });
  } catch (error) {
    // Behave like Node with a broken .js worker: the Worker starts, then emits 'error'.
    const failure = error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> };
    const first = failure.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line}:${first.location.column})` : '';
    const missing = !existsSync(entry);
    const message = missing
      ? `Cannot find worker file '${entry}'`
      : `${first?.text ?? String(error)}${where}`;
    const ctor = missing ? 'Error' : 'SyntaxError';
    code = `const e = new ${ctor}(${JSON.stringify(message)});${missing ? " e.code = 'ERR_MODULE_NOT_FOUND';" : ''} throw e;\n`;
    inputs = missing ? [] : [{ path: entry, ...pick(statSync(entry)) }];
  }
  const hash = createHash('sha256').update(entry).update('\0').update(code).digest('hex').slice(0, 16);
  const outFile = join(cacheDir, `${hash}.mjs`);
  if (!existsSync(outFile)) {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed into place: a process starting the same worker at the same moment
    // (a grading run, concurrent checks) sees the whole file or none of it, never half of one.
    const partial = `${outFile}.${process.pid}.${threadId}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, outFile);
  }
  return { outFile, inputs };
}

function pick(s: { mtimeMs: number; size: number }) {
  return { mtimeMs: s.mtimeMs, size: s.size };
}
