// `npm run serve`: serves the built site on 127.0.0.1 with the learner's own check status
// (/status.json, read live from .workbook/progress.json). Builds the site first if it is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allLessons, projectRoot } from '../lessons.ts';
import { stateDir } from '../progress.ts';
import { serve } from './server.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.PORT ?? '4173' }, build: { type: 'boolean', default: false }, host: { type: 'string', default: '127.0.0.1' } } });

const defaultOutDir = join(projectRoot, 'site', 'dist');
if (values.build || !existsSync(join(defaultOutDir, 'index.html'))) {
  // Vite and shiki load only when there is something to build.
  const { buildSite } = await import('../../site/build/build.ts');
  const built = await buildSite(defaultOutDir);
  console.log(`Built the site in ${(built.ms / 1000).toFixed(1)} s.`);
}
const running = await serve({
  dir: defaultOutDir,
  port: Number(values.port),
  host: values.host,
  status: { progressFile: join(stateDir, 'progress.json'), lessonIds: () => allLessons().map((l) => l.id) },
});
console.log(`The workbook's site: ${running.url}  (your check status is read live from .workbook/progress.json; Ctrl-C stops)`);
const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
