// vitest setup for lesson checks. Runs in the same process as the checks, before them.
import '../runtime/register.ts';
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, chai } from 'vitest';
import { describeLeft, setTrackingContext, settle, stopAll } from '../runtime/tracking.ts';
import { runDisposers } from './index.ts';

// A learner needs the whole observed value, not its first 40 characters.
chai.config.truncateThreshold = 0;

// The runner reads this file to tell which check was running if the process stops responding
// (a synchronous infinite loop blocks every timer in this process, vitest's included).
const heartbeat = process.env.WORKBOOK_HEARTBEAT;
function beat(event: 'start' | 'end', name: string, extra: { timeoutMs?: number; failure?: string } = {}): void {
  if (heartbeat) appendFileSync(heartbeat, `${JSON.stringify({ event, name, at: Date.now(), ...extra })}\n`);
}

// vitest reports an uncaught exception apart from every check, and may even let the check pass.
// In a real program it would crash the process, so it fails the check during which it happened.
const crashes: unknown[] = [];
process.on('uncaughtException', (error) => crashes.push(error));
process.on('unhandledRejection', (error) => crashes.push(error));

beforeEach((ctx) => {
  crashes.length = 0;
  setTrackingContext(ctx.task.name);
  beat('start', ctx.task.name, { timeoutMs: ctx.task.timeout });
});

// Registered first, so it runs after every afterEach of the check file itself.
afterEach(async (ctx) => {
  await runDisposers();
  const left = await settle(1000);
  let failure: string | undefined;
  const crash = crashes.shift();
  if (crash) {
    const message = crash instanceof Error ? `${crash.name}: ${crash.message}` : String(crash);
    failure = `During this check, code under test threw an uncaught exception, which would crash a real program: ${message}`;
  } else if (left.length > 0) {
    failure =
      `Left running after this check: ${describeLeft(left)}. The harness stopped them. ` +
      'Code under test must end every worker thread and process it starts (a pool: once it is closed).';
  }
  await stopAll();
  // Recorded so that a later run that hangs can still report how this check went.
  const earlier = ctx.task.result?.errors?.[0]?.message;
  beat('end', ctx.task.name, { failure: failure ?? earlier });
  if (failure) throw new Error(failure);
});

afterAll(async () => {
  const stopped = await stopAll();
  if (stopped.length > 0) console.error(`Stopped after the checks: ${describeLeft(stopped)}`);
});
