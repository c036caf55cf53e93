// `npm run serve`: serves the built site on 127.0.0.1 with the learner's own check status
// (/status.json, read live from .workbook/progress.json). Builds the site first if it is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptions, runCommand } from '../command.ts';
import { allLessons, projectRoot, UserError } from '../lessons.ts';
import { stateDir } from '../progress.ts';
import { serve } from './server.ts';

async function main(): Promise<number> {
  const { values } = parseOptions(
    { options: { port: { type: 'string', default: process.env.PORT ?? '4173' }, build: { type: 'boolean', default: false }, host: { type: 'string', default: '127.0.0.1' } } },
    'The options are --port <n>, --host <address> and --build (build the site again first).',
  );
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port takes a port number from 0 to 65535, not '${values.port}'.`);

  const defaultOutDir = join(projectRoot, 'site', 'dist');
  if (values.build || !existsSync(join(defaultOutDir, 'index.html'))) {
    // Vite and shiki load only when there is something to build.
    const { buildSite } = await import('../../site/build/build.ts');
    const built = await buildSite(defaultOutDir);
    console.log(`Built the site in ${(built.ms / 1000).toFixed(1)} s.`);
  }
  const running = await serve({
    dir: defaultOutDir,
    port,
    host: values.host,
    status: { progressFile: join(stateDir, 'progress.json'), lessonIds: () => allLessons().map((l) => l.id) },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UserError(`Port ${port} on ${values.host} is already in use: pick another with --port, for example npm run serve -- --port ${port + 1}.`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') throw new UserError(`This machine has no address '${values.host}' to serve on: leave out --host to use 127.0.0.1.`);
    throw error;
  });
  console.log(`The workbook's site: ${running.url}  (your check status is read live from .workbook/progress.json; Ctrl-C stops)`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

runCommand(main);
