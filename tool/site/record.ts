// `npm run record`: re-records every experiment of every lesson (or of the lessons named), one
// lesson at a time, with `tsx tool/cli.ts experiment <id> --record`. The site shows these records.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseOptions, runCommand } from '../command.ts';
import { allLessons, findLesson, projectRoot } from '../lessons.ts';

runCommand(async () => {
  const { positionals: named } = parseOptions({ allowPositionals: true, options: {} }, 'Name lessons to record only theirs: npm run record -- q43 why-pools.');
  const lessons = (named.length ? named.map((n) => findLesson(n)) : allLessons()).filter((l) => l.experiments.length > 0);
  const failed: string[] = [];
  const started = Date.now();
  for (const [i, lesson] of lessons.entries()) {
    console.log(`\n== ${i + 1}/${lessons.length} ${lesson.id}: ${lesson.experiments.length} experiment${lesson.experiments.length === 1 ? '' : 's'}`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'tool', 'cli.ts'), 'experiment', lesson.id, '--record'], {
      cwd: projectRoot,
      stdio: 'inherit',
      env: { ...process.env, WORKBOOK_QUICK: '' },
    });
    if (run.status !== 0) failed.push(lesson.id);
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (failed.length === 0) {
    console.log(`\nRecorded the experiments of ${lessons.length} lesson${lessons.length === 1 ? '' : 's'} in ${minutes} min. Rebuild the site to show them: npm run build`);
  } else {
    console.log(`\n${failed.length} lesson${failed.length === 1 ? '' : 's'} had an experiment that failed or whose claims did not hold; their records were not updated: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
});
