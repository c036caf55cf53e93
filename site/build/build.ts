// `npm run build`: the static site, in site/dist (or --out <dir>). Vite bundles the client script;
// every page is written here, with Markdown rendered by marked and code highlighted by shiki.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { parseOptions, runCommand } from '../../tool/command.ts';
import { allLessons, projectRoot, tracks } from '../../tool/lessons.ts';
import { codeColorsCss, initHighlighter, loadDiskCache, saveDiskCache, stats } from './highlight.ts';
import { siteTitle, type Assets, type Site } from './layout.ts';
import { answerKeyPage, homePage, lessonPage, presenterPages, quizModePage, type Page, type SearchEntry } from './pages.ts';

const siteRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultOutDir = join(siteRoot, 'dist');
/** Highlighted code kept between builds; WORKBOOK_SITE_CACHE=0 builds without it. */
const cacheFile = join(projectRoot, 'node_modules', '.cache', 'workbook-site', 'highlighted.json');
const useCache = process.env.WORKBOOK_SITE_CACHE !== '0';

interface ManifestChunk {
  file: string;
  css?: string[];
  isEntry?: boolean;
}

async function bundleClient(outDir: string): Promise<Assets> {
  await viteBuild({ configFile: join(siteRoot, 'vite.config.ts'), build: { outDir, emptyOutDir: true } });
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.values(manifest).find((c) => c.isEntry);
  if (!entry) throw new Error('The Vite manifest has no entry chunk.');
  return { js: [entry.file], css: entry.css ?? [] };
}

export interface BuildResult {
  outDir: string;
  pages: string[];
  /** Wall-clock time of the build. */
  ms: number;
  /** CPU time this process spent on it: what the build costs, however busy the machine is. */
  cpuMs: number;
}

export async function buildSite(outDir = defaultOutDir): Promise<BuildResult> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // The highlighter loads while Vite bundles.
  const [assets] = await Promise.all([bundleClient(outDir), initHighlighter()]);
  if (useCache) loadDiskCache(cacheFile);
  const site: Site = { title: siteTitle, lessons: allLessons(), tracks: tracks(), assets, codeCss: codeColorsCss() };

  const pages: Page[] = [];
  const search: SearchEntry[] = [];
  site.lessons.forEach((lesson, i) => {
    const { page, search: entries } = lessonPage(site, lesson, i);
    pages.push(page);
    search.push(...entries);
  });
  pages.push(homePage(site), quizModePage(site), answerKeyPage(site), ...presenterPages(site));

  for (const page of pages) {
    const file = join(outDir, page.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, page.html);
  }
  writeFileSync(join(outDir, 'search-index.json'), JSON.stringify(search));
  if (useCache) saveDiskCache(cacheFile);
  // Static hosting has no learner: the status says so. `npm run serve` answers this URL live.
  writeFileSync(join(outDir, 'status.json'), JSON.stringify({ available: false }) + '\n');
  const cpu = process.cpuUsage(cpuStarted);
  return { outDir, pages: pages.map((p) => p.path), ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCommand(async () => {
    const { values } = parseOptions({ options: { out: { type: 'string' } } }, 'The one option is --out <folder> (default: site/dist).');
    const result = await buildSite(values.out ? resolve(values.out) : defaultOutDir);
    const lessons = result.pages.filter((p) => p.startsWith('lessons/')).length;
    if (process.env.SITE_PROFILE) console.log(stats);
    console.log(`Built ${result.pages.length} pages (${lessons} lessons) in ${relative(projectRoot, result.outDir) || '.'} in ${(result.ms / 1000).toFixed(1)} s (${(result.cpuMs / 1000).toFixed(1)} s of CPU).`);
    return 0;
  });
}
