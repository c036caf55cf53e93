// Benchmark (not a test): the capstone's pool side by side with piscina, same machine, same run,
// interleaved rounds, medians printed as ratios.
//
//   npm run bench                              the reference solution (solutions/capstone/pool.ts)
//   npm run bench -- --target exercises        your own pool (exercises/capstone/pool.ts)
//   npm run bench -- --rounds 9 --tasks 50000  more rounds, or a different burst size
//   npm run bench -- --record                  record the reference solution's run for the lesson page
//                                              (lessons/capstone/recorded/bench.json; bench.node24.json on Node 24)
//
// What it measures, on 2 threads each:
//   (a) throughput: 100,000 tiny tasks submitted all at once          goal: >= 1.5x piscina's
//   (b) sequential round trips, each awaited before the next          goal: median <= 0.6x piscina's
//   (c) no collapse: the burst of (a) against the same tasks submitted
//       through a sliding window of 1,024 outstanding                  goal: within 15%
//   (d) a CPU-bound batch (64 x fib(30)) against the ideal: the same
//       work on this thread alone, divided by the number of threads    goal: within 1.15x of ideal
//       and, because on a loaded machine other processes take cores from both, also against the
//       time the tasks took in the workers themselves (what the pool itself loses).
// The machine is shared: the load average is printed with the figures, and only medians of
// interleaved rounds are compared.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseOptions, runCommand, wholeNumber } from '../../../tool/command.ts';
import { findLesson, UserError } from '../../../tool/lessons.ts';
import { recordFile } from '../../../tool/experiments/records.ts';
import { compare, piscina, readyToRace, workbookPool, type Comparison } from './suite.ts';

const usage = `npm run bench [-- options]
  --target <folder>     race the capstone pool of a folder laid out like exercises/ (default: the reference solution)
  --rounds <n>          interleaved rounds (default 7)
  --tasks <n>           tiny tasks in a burst (default 100000)
  --round-trips <n>     sequential round trips per round (default 5000)
  --fib <n>             the CPU-bound tasks compute fib(n) (default 30)
  --json <file>         also write every figure of every round to a JSON file
  --record              keep this run of the reference solution for the lesson page`;

// Everything printed is kept, so that a recorded run shows exactly what was printed.
const printed: string[] = [];
const say = (line = '') => {
  printed.push(line);
  console.log(line);
};
const THREADS = 2;


async function main(): Promise<number> {
  const { values: args } = parseOptions(
    {
      options: {
        target: { type: 'string' },
        rounds: { type: 'string', default: '7' },
        tasks: { type: 'string', default: '100000' },
        'round-trips': { type: 'string', default: '5000' },
        fib: { type: 'string', default: '30' },
        json: { type: 'string' },
        record: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'npm run bench -- --help lists the options.',
  );
  if (args.help) {
    console.log(usage);
    return 0;
  }
  if (args.record && args.target !== undefined) throw new UserError("--record keeps the reference solution's run for the lesson page; run it without --target.");
  const options = {
    threads: THREADS,
    rounds: wholeNumber('rounds', args.rounds, 1, 1000)!,
    tasks: wholeNumber('tasks', args.tasks, 1, 10_000_000)!,
    window: 1024,
    roundTrips: wholeNumber('round-trips', args['round-trips'], 1, 10_000_000)!,
    cpuTasks: 64,
    fib: wholeNumber('fib', args.fib, 1, 40)!,
    piscinaWindowed: true,
  };

  const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
  const ours = await workbookPool(args.target);
  if (args.target !== undefined) await readyToRace(ours);
  const theirs = await piscina();
  say(`${ours.name} against piscina, ${THREADS} threads each, ${options.rounds} interleaved rounds`);
  say(`Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${process.platform}-${process.arch}`);
  say(`  ${ours.name}: ${ours.version}\n  piscina: ${theirs.version} (default options: atomics 'sync', recordTiming on)`);
  say(`  load average at start (1, 5, 15 min): ${load()}\n`);
  const loads: number[] = [loadavg()[0]!];

  const result: Comparison = await compare(ours, theirs, {
    ...options,
    onRound(round, m) {
      loads.push(loadavg()[0]!);
      const pair = (key: string, digits = 0) => `${m(`${key} ${ours.name}`).toFixed(digits)} / ${m(`${key} ${theirs.name}`).toFixed(digits)}`;
      say(
        `round ${round}: burst ${pair('burst')} ms, window ${pair('windowed')} ms, round trip ${pair('rtt median')} µs (p99 ${pair('rtt p99')}), ` +
          `cpu ${pair('cpu')} ms, one thread ${m('cpu single thread').toFixed(0)} ms   [${ours.name} / piscina; load ${loadavg()[0]!.toFixed(2)}]`,
      );
    },
  });

  const med = result.median;
  const rows: Array<{ what: string; ratio: number; goal: string; line?: number; met: boolean | undefined; detail: string }> = [];
  const perSecond = (key: string) => options.tasks / (med(key) / 1000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  // Each goal is judged on the median of its per-round ratios (both sides measured back to back in
  // the same round); the range shows how much those rounds disagreed.
  const range = (r: { min: number; max: number }) => `rounds ${r.min.toFixed(2)}x to ${r.max.toFixed(2)}x`;

  // Throughput is tasks per second, so ours over theirs is their time over ours.
  const tput = result.paired(`burst ${theirs.name}`, `burst ${ours.name}`);
  rows.push({ what: `(a) throughput, ${fmt(options.tasks)} tiny tasks at once`, ratio: tput.median, goal: '>= 1.5x piscina', line: 1.5, met: tput.median >= 1.5,
    detail: `${fmt(perSecond(`burst ${ours.name}`))} against ${fmt(perSecond(`burst ${theirs.name}`))} tasks/s (medians); ${range(tput)}` });
  const rtt = result.paired(`rtt median ${ours.name}`, `rtt median ${theirs.name}`);
  rows.push({ what: `(b) round trip, median of ${fmt(options.roundTrips)}`, ratio: rtt.median, goal: '<= 0.6x piscina', line: 0.6, met: rtt.median <= 0.6,
    detail: `${med(`rtt median ${ours.name}`).toFixed(1)} against ${med(`rtt median ${theirs.name}`).toFixed(1)} µs; ${range(rtt)}` });
  const p99 = result.paired(`rtt p99 ${ours.name}`, `rtt p99 ${theirs.name}`);
  rows.push({ what: '(b) round trip, p99', ratio: p99.median, goal: 'reported, no goal', met: undefined,
    detail: `${med(`rtt p99 ${ours.name}`).toFixed(1)} against ${med(`rtt p99 ${theirs.name}`).toFixed(1)} µs; ${range(p99)}` });
  const collapse = result.paired(`burst ${ours.name}`, `windowed ${ours.name}`);
  const theirCollapse = result.paired(`burst ${theirs.name}`, `windowed ${theirs.name}`);
  rows.push({ what: `(c) all at once, against a window of ${options.window}`, ratio: collapse.median, goal: '<= 1.15x', line: 1.15, met: collapse.median <= 1.15,
    detail: `${med(`burst ${ours.name}`).toFixed(0)} against ${med(`windowed ${ours.name}`).toFixed(0)} ms; ${range(collapse)} (piscina: ${theirCollapse.median.toFixed(2)}x)` });
  const ideal = med('cpu single thread') / THREADS;
  const cpu = result.paired(`cpu ${ours.name}`, 'cpu single thread');
  const cpuRatio = cpu.median * THREADS;
  rows.push({ what: `(d) ${options.cpuTasks} x fib(${options.fib}), against the ideal`, ratio: cpuRatio, goal: '<= 1.15x ideal', line: 1.15, met: cpuRatio <= 1.15,
    detail: `${med(`cpu ${ours.name}`).toFixed(0)} ms; ideal ${ideal.toFixed(0)} ms (one thread ${med('cpu single thread').toFixed(0)} ms / ${THREADS}); ` +
      `rounds ${(cpu.min * THREADS).toFixed(2)}x to ${(cpu.max * THREADS).toFixed(2)}x; piscina ${(result.paired(`cpu ${theirs.name}`, 'cpu single thread').median * THREADS).toFixed(2)}x` });
  const busy = med(`cpu vs busy ${ours.name}`);
  rows.push({ what: `(d) the same batch, against its own tasks' time in the workers / ${THREADS}`, ratio: busy, goal: 'reported: what the pool itself loses, whatever the load', met: undefined,
    detail: `piscina ${med(`cpu vs busy ${theirs.name}`).toFixed(2)}x` });

  say(`\nMedians of ${options.rounds} rounds' ratios (each round compares runs made back to back), ${ours.name} against piscina:`);
  // Two decimals, unless they would round a ratio onto its goal's line (1.4996 shown as 1.50 beside a ✗).
  const shown = (r: (typeof rows)[number]) => (Number(r.ratio.toFixed(2)) === r.line ? r.ratio.toFixed(3) : r.ratio.toFixed(2));
  for (const r of rows) say(`  ${r.met === undefined ? '·' : r.met ? '✓' : '✗'} ${r.what}: ${shown(r)}x (goal ${r.goal})\n      ${r.detail}`);
  const sorted = [...loads].sort((a, b) => a - b);
  say(`  1-minute load average during the run: ${sorted[0]!.toFixed(2)} to ${sorted.at(-1)!.toFixed(2)} on ${availableParallelism()} cores (at end: ${load()})`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ node: process.version, cores: availableParallelism(), loads, versions: [ours.version, theirs.version], options, rows, series: result.series }, null, 2));
  }
  if (args.record) {
    const recorded = {
      experiment: 'bench',
      command: 'npm run bench',
      recordedAt: new Date().toISOString(),
      machine: { node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model.trim() ?? 'unknown', platform: `${process.platform}-${process.arch}`, loadAtStart: loads[0] },
      quick: false,
      measurements: Object.fromEntries(rows.map((r) => [r.what, { value: Number(r.ratio.toFixed(3)), unit: 'x' }])),
      claims: rows.filter((r) => r.met !== undefined).map((r) => ({ claim: `${r.what}: ${r.goal}`, holds: r.met!, evidence: r.detail, checked: true })),
      output: printed.join('\n') + '\n',
    };
    const file = recordFile(findLesson('capstone'), 'bench', process.version);
    writeFileSync(file, JSON.stringify(recorded, null, 2) + '\n');
    console.log(`\nRecorded to ${file}`);
  }
  return 0;
}

runCommand(main);
