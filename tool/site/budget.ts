// `npm run site:budget`: builds the site and reports its budgets. Not a timed test: the numbers are
// measured and printed, with the machine's load, so that a reader can judge them.
//   - build time under 15 s, from cold: as on a fresh clone, without the highlighting cache (wall
//     clock of `npm run build`; its CPU time is shown too, because a busy shared machine stretches
//     wall-clock time and nothing else). A rebuild with the cache is reported as well.
//   - JavaScript shipped per page under 30 KB gzipped (every script a page loads, inline ones too)
//   - no highlighter in the client bundle
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../lessons.ts';

const buildBudgetMs = 15_000;
const jsBudgetBytes = 30 * 1024;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (text: string | Buffer) => gzipSync(text, { level: 9 }).length;

function htmlFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name.startsWith('.') ? [] : htmlFiles(join(dir, d.name), `${prefix}${d.name}/`)) : d.name.endsWith('.html') ? [`${prefix}${d.name}`] : [],
  );
}

/** Every script a page loads: <script src>, modulepreload links, their static imports, inline scripts. */
export function pageScripts(outDir: string, page: string): { name: string; text: string }[] {
  const html = readFileSync(join(outDir, page), 'utf8');
  const scripts: { name: string; text: string }[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    scripts.push({ name: relative(outDir, file), text });
    for (const m of text.matchAll(/(?:\bimport\s*(?:[\w{}\s,*$]*\sfrom\s*)?|\bimport\()\s*["'](\.{1,2}\/[^"']+)["']/g)) add(resolve(dirname(file), m[1]!));
  };
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(m[1]!)?.[1];
    if (src) add(resolve(dirname(join(outDir, page)), src));
    else if (!/type="application\/json"/.test(m[1]!) && m[2]!.trim()) scripts.push({ name: 'inline', text: m[2]! });
  }
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) add(resolve(dirname(join(outDir, page)), m[1]!));
  return scripts;
}

const outDir = mkdtempSync(join(tmpdir(), 'workbook-site-budget-'));
try {
  const load = loadavg()[0]!;
  const build = (cache: boolean) => {
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'site/build/build.ts'), '--out', outDir], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, WORKBOOK_SITE_CACHE: cache ? '1' : '0' },
    });
    if (run.status !== 0) {
      console.error(run.stdout + run.stderr);
      throw new Error('The build failed.');
    }
    return { wallMs: performance.now() - started, cpu: /\(([\d.]+) s of CPU\)/.exec(run.stdout)?.[1] };
  };
  const cold = build(false);
  build(true); // fills the cache
  const warm = build(true);
  const wallMs = cold.wallMs;
  const cpu = cold.cpu;
  const pages = htmlFiles(outDir);
  const perPage = pages.map((page) => {
    const scripts = pageScripts(outDir, page);
    return { page, files: scripts.length, raw: scripts.reduce((n, s) => n + Buffer.byteLength(s.text), 0), gzip: scripts.reduce((n, s) => n + gz(s.text), 0) };
  });
  const largest = perPage.reduce((a, b) => (b.gzip > a.gzip ? b : a));
  const assets = readdirSync(join(outDir, 'assets'));
  const clientJs = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outDir, 'assets', f), 'utf8'));
  const highlighterShipped = clientJs.some((js) => /shiki|oniguruma|vscode-textmate|tokenizeWithTheme/i.test(js));
  const css = assets.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gz(readFileSync(join(outDir, 'assets', f))), 0);
  const html = perPage.map((p) => gz(readFileSync(join(outDir, p.page))));

  const buildOk = wallMs <= buildBudgetMs;
  const buildCpuOk = cpu !== undefined && Number(cpu) * 1000 <= buildBudgetMs;
  const jsOk = largest.gzip <= jsBudgetBytes;
  console.log(`Site budgets (${pages.length} pages; load average ${load.toFixed(1)} on ${availableParallelism()} cores when the build started)\n`);
  console.log(`  ${buildOk ? '✓' : '✗'} build time, from cold: ${(wallMs / 1000).toFixed(1)} s wall clock, ${cpu ?? '?'} s of CPU (budget ${buildBudgetMs / 1000} s)`);
  console.log(`    (a rebuild, with highlighted code cached in node_modules/.cache: ${(warm.wallMs / 1000).toFixed(1)} s wall clock, ${warm.cpu ?? '?'} s of CPU)`);
  console.log(`  ${jsOk ? '✓' : '✗'} JavaScript per page: at most ${kb(largest.gzip)} gzipped (${kb(largest.raw)} raw, ${largest.page}); budget ${kb(jsBudgetBytes)}`);
  console.log(`  ${highlighterShipped ? '✗' : '✓'} no highlighter in the client bundle`);
  console.log(`\n  for reference: CSS ${kb(css)} gzipped; HTML per page ${kb(Math.min(...html))} to ${kb(Math.max(...html))} gzipped`);
  const kinds = new Map<string, typeof perPage>();
  for (const p of perPage) {
    const kind = p.page.includes('/') ? `${p.page.split('/')[0]}/*.html` : p.page;
    kinds.set(kind, [...(kinds.get(kind) ?? []), p]);
  }
  console.log('\n  JavaScript by page (gzipped):');
  for (const [kind, list] of kinds) console.log(`    ${kind.padEnd(22)} ${kb(Math.max(...list.map((p) => p.gzip))).padStart(8)}  (${list[0]!.files} script${list[0]!.files === 1 ? '' : 's'}${list.length > 1 ? `, ${list.length} pages` : ''})`);
  if (!buildOk && buildCpuOk) console.log(`\n  The build's CPU time is within budget: the wall clock was stretched by a busy machine (load ${load.toFixed(1)}).`);
  if (!jsOk || highlighterShipped || (!buildOk && !buildCpuOk)) process.exitCode = 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
