// How every command of the workbook reads its options and ends. Bad input (an unknown option, a
// folder that is not there) is the user's to fix: it gets one sentence and exit code 2, never a
// stack trace. Anything else is a bug in the workbook, and keeps its stack.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './lessons.ts';

/** node:util's parseArgs, with an unknown or malformed option turned into one sentence. */
export function parseOptions<T extends ParseArgsConfig>(config: T, whereOptionsAreListed: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // parseArgs sometimes adds a second sentence on positionals; the first one is enough.
    const first = (error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '').replace(/\.?$/, '.');
    throw new UserError(`${first} ${whereOptionsAreListed}`);
  }
}

/**
 * A whole-number option (`--name`), checked: undefined when it was not given, one sentence when it
 * is not a whole number from `min` to `max`.
 */
export function wholeNumber(name: string, text: string | undefined, min: number, max = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UserError(`--${name} takes a whole number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, not '${text}'.`);
  }
  return n;
}

/**
 * Runs a command's main(): its result is the exit code. Bad input prints its sentence and exits 2
 * at once, so that nothing the command had started (a learner's workers, say) keeps it alive.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (!(error instanceof UserError)) throw error;
      console.error(error.message);
      process.exit(2);
    },
  );
}
