// Helpers for the project's own tests.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../lessons.ts';

/** Processes whose environment mentions `marker` (our runs pass the target folder in theirs). */
export function processesMentioning(marker: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A throw-away copy of the workbook sharing this one's node_modules, for commands that write. */
export function sandboxCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'workbook-sandbox-'));
  for (const entry of ['tool', 'lessons', 'solutions', 'package.json', 'tsconfig.json']) cpSync(join(projectRoot, entry), join(root, entry), { recursive: true });
  mkdirSync(join(root, 'exercises'));
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

type RunOptions = { input?: string; timeoutMs?: number; env?: Record<string, string> };

/** Runs the workbook's command line (what `npm run <command> -- ...` runs) in `root`. */
export function cli(root: string, args: string[], options: RunOptions = {}): CommandResult {
  return runScript(root, join('tool', 'cli.ts'), args, options);
}

/** Runs one of the workbook's TypeScript scripts (`file`, relative to `root`) as its npm script does. */
export function runScript(root: string, file: string, args: string[], options: RunOptions = {}): CommandResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, file), ...args], {
    cwd: root,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, ...options.env, INIT_CWD: root, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
