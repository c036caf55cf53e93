// Lessons, solutions, starters and the tool type-check, in erasable syntax only (so that they also
// run under Node's own type stripping).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { projectRoot } from '../lessons.ts';

test('tsc --noEmit finds no type errors', () => {
  const tsc = spawnSync(process.execPath, [join(projectRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', projectRoot], { encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});
