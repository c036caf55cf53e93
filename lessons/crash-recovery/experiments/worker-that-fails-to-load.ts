// What does each pool do when every worker it starts dies at once, as after a bad deploy?
// Each pool is given a worker file that throws as it loads. The run watches until DEATHS workers
// have died (or MAX_STARTED have started, or WINDOW_MS have passed), then closes the pool. It
// counts deaths and replacements: a pool that replaces each dead worker once starts one worker per
// death; one that replaces in both 'error' and 'exit' starts two, and its threads multiply.
import { experiment } from '../../../tool/experiments/kit.ts';
import { stopAll, trackedSince, trackingMark } from '../../../tool/runtime/tracking.ts';
import { WorkerPool as Document001Pool } from '../broken/document-001-pool/pool.ts';
import { WorkerPool as Document000Pool } from '../broken/document-000-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/crash-recovery/pool.ts';

const exp = experiment('A worker file that fails to load: how many threads does each pool start?');
const workerFile = new URL('../fixtures/fails-to-load.ts', import.meta.url);
const SIZE = 2;
const DEATHS = 12;
/** A safety cap: the documents' pools double their threads with every generation. */
const MAX_STARTED = 48;
const WINDOW_MS = 5000;

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PoolClass = new (workerFile: string | URL, options: { size: number }) => Pool;
const pools: Array<[string, PoolClass]> = [
  ['document 001', Document001Pool],
  ['document 000', Document000Pool],
  ['solution', SolutionPool],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  started: number;
  deaths: number;
  /** Workers started beyond the first SIZE, per worker that died. */
  replacementsPerDeath: number;
  maxAlive: number;
}

async function watch(Pool: PoolClass): Promise<Result> {
  const mark = trackingMark();
  const workers = () => trackedSince(mark).filter((t) => t.kind === 'worker thread');
  const alive = () => workers().filter((t) => t.alive).length;
  const deaths = () => workers().length - alive();
  const t0 = performance.now();
  const pool = new Pool(workerFile, { size: SIZE });
  let maxAlive = 0;
  while (performance.now() - t0 < WINDOW_MS && deaths() < DEATHS && workers().length < MAX_STARTED) {
    maxAlive = Math.max(maxAlive, alive());
    await sleep(1);
  }
  const started = workers().length;
  const died = deaths();
  await Promise.race([pool.close().catch(() => {}), sleep(1000)]);
  await stopAll();
  return { started, deaths: died, replacementsPerDeath: (started - SIZE) / died, maxAlive };
}

const results = new Map<string, Result>();
for (const [name, Pool] of pools) results.set(name, await watch(Pool));

exp.note(`A pool of ${SIZE}, watched until ${DEATHS} workers had died (or ${MAX_STARTED} had started):`);
for (const [name, r] of results) {
  exp.measure(`${name}: workers that died`, r.deaths);
  exp.measure(`${name}: workers started`, r.started);
  exp.measure(`${name}: replacements started per death`, r.replacementsPerDeath);
  exp.measure(`${name}: most workers alive at once`, r.maxAlive);
}
exp.note('');
const show = (r: Result) =>
  `${r.deaths} died, ${r.started} started: ${r.replacementsPerDeath.toFixed(2)} replacements per death, at most ${r.maxAlive} alive at once`;
for (const name of ['document 001', 'document 000']) {
  const r = results.get(name)!;
  exp.claim(
    `${name}: every dead worker is replaced twice ('error' and 'exit'), so the threads multiply beyond the pool's size`,
    r.deaths > 0 && r.replacementsPerDeath >= 2 && r.maxAlive > SIZE,
    show(r),
  );
}
const s = results.get('solution')!;
exp.claim(
  `the solution replaces each dead worker exactly once and never runs more than ${SIZE}, but it never gives up either: it keeps starting replacements`,
  s.replacementsPerDeath === 1 && s.maxAlive <= SIZE && s.deaths > SIZE,
  show(s),
);
exp.done();
