// Where a recorded run is kept. The site's records come from the oldest Node the workbook supports
// (package.json "engines"); a run recorded on another Node major sits beside it, named for that
// major (sizing.json, sizing.node24.json), so that what a newer Node does differently is shown from
// a real run of it too, instead of being told.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, type Lesson } from '../lessons.ts';

const engines = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
export const primaryNodeMajor = Number(/\d+/.exec(engines)![0]);

export const nodeMajor = (version: string): number => Number(/^v?(\d+)/.exec(version)?.[1]);

export const recordedDir = (lesson: Lesson) => join(lesson.dir, 'recorded');

/** The file a run of `name` recorded on `nodeVersion` goes to (by default, the main record's). */
export function recordFile(lesson: Lesson, name: string, nodeVersion = `v${primaryNodeMajor}`): string {
  const major = nodeMajor(nodeVersion);
  return join(recordedDir(lesson), major === primaryNodeMajor ? `${name}.json` : `${name}.node${major}.json`);
}

/** The experiment a record file under recorded/ belongs to, whatever Node it was recorded on. */
export const experimentOfRecord = (file: string): string => file.replace(/(\.node\d+)?\.json$/, '');

/** The runs of `name` recorded on other Node majors than the primary one, oldest major first. */
export function otherNodeRecords(lesson: Lesson, name: string): { major: number; file: string }[] {
  const dir = recordedDir(lesson);
  if (!existsSync(dir)) return [];
  const prefix = `${name}.node`;
  return readdirSync(dir)
    .flatMap((file) => {
      const major = file.startsWith(prefix) && file.endsWith('.json') ? Number(file.slice(prefix.length, -'.json'.length)) : NaN;
      return Number.isInteger(major) && major > 0 ? [{ major, file: join(dir, file) }] : [];
    })
    .sort((a, b) => a.major - b.major);
}
