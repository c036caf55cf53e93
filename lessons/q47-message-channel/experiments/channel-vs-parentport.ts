// Q47 asks "What's the advantage of MessageChannel over parentPort?" and the document answers
// "Bidirectional dedicated channel" (option A was "Faster communication"). Is a MessageChannel
// faster? Is parentPort one-way? What does a channel give you that parentPort does not?
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('MessageChannel or parentPort: which is faster, and what does a channel really add?');
const echoWorker = new URL('../fixtures/echo-worker.ts', import.meta.url);
// Round trips are timed in small batches, and the two ways being compared take turns, batch by
// batch: a load spike on this shared machine then hits both alike, and the median of the paired
// ratios stays steady where single long runs do not.
const rounds = 100; // round trips per batch, one at a time
const pairs = quick ? 15 : 60;

const online = (w: Worker) => new Promise((r) => w.once('online', r));
const a = new Worker(echoWorker);
const b = new Worker(echoWorker);
await Promise.all([online(a), online(b)]);

/** Mean round trip, in microseconds, of `rounds` ping-pongs done one after another. */
async function pingPong(send: (n: number) => void, on: (handler: () => void) => () => void): Promise<number> {
  let resolveOne: (() => void) | undefined;
  const off = on(() => resolveOne?.());
  const start = performance.now();
  for (let n = 0; n < rounds; n++) {
    await new Promise<void>((resolve) => {
      resolveOne = resolve;
      send(n);
    });
  }
  const us = ((performance.now() - start) * 1000) / rounds;
  off();
  return us;
}

// 1. Main thread <-> worker, over parentPort (worker.postMessage / 'message' on the Worker) ...
const viaParentPort = () =>
  pingPong(
    (n) => a.postMessage({ kind: 'ping', n }),
    (h) => {
      a.on('message', h);
      return () => a.off('message', h);
    },
  );
// ... and over a MessageChannel whose port2 was handed to the same worker.
const { port1: mainEnd, port2: workerEnd } = new MessageChannel();
a.postMessage({ kind: 'echo-port', port: workerEnd }, [workerEnd]);
const viaChannel = () =>
  pingPong(
    (n) => mainEnd.postMessage({ n }),
    (h) => {
      mainEnd.on('message', h);
      return () => mainEnd.off('message', h);
    },
  );

// 2. Worker a <-> worker b: directly over a new channel between them (one end handed to each), or
//    relayed by the main thread (a -> main -> b -> main -> a). Worker a does the timing.
const direct = (n = rounds): Promise<number> => {
  const { port1, port2 } = new MessageChannel();
  b.postMessage({ kind: 'echo-port', port: port2 }, [port2]);
  return drive(n, port1);
};
const relayed = (n = rounds): Promise<number> => drive(n);
a.on('message', (m: { kind: string; n: number }) => {
  if (m.kind === 'relay') b.postMessage({ kind: 'ping', n: m.n });
});
b.on('message', (m: { kind: string; n: number }) => {
  if (m.kind === 'ping') a.postMessage({ kind: 'pong', n: m.n });
});
/** Worker a pings `n` times (over `port`, or through the main thread); mean round trip in µs. */
function drive(n: number, port?: MessagePort): Promise<number> {
  return new Promise((resolve) => {
    const onResult = (m: { kind: string; ms: number }) => {
      if (m.kind !== 'result') return;
      a.off('message', onResult);
      resolve((m.ms * 1000) / n);
    };
    a.on('message', onResult);
    if (port) a.postMessage({ kind: 'drive', rounds: n, port }, [port]);
    else a.postMessage({ kind: 'drive', rounds: n });
  });
}

// 3. The same two, while the main thread is busy with 20 ms chunks of synchronous work.
async function whileMainIsBusy<T>(work: () => Promise<T>): Promise<T> {
  let busy = true;
  const spin = () => {
    const until = performance.now() + 20;
    while (performance.now() < until);
    if (busy) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return await work();
  } finally {
    busy = false;
  }
}

// A few untimed batches of each first: the first batches run cold (the JIT has not warmed up yet).
for (let i = 0; i < 3; i++) {
  await viaParentPort();
  await viaChannel();
  await direct();
  await relayed();
}

/** Runs `pairs` pairs of batches, alternating which goes first; returns both series and the ratios b/a. */
async function paired(first: () => Promise<number>, second: () => Promise<number>) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      a.push(await first());
      b.push(await second());
    } else {
      b.push(await second());
      a.push(await first());
    }
  }
  return { a, b, ratio: median(a.map((x, i) => b[i]! / x)) };
}

const mainToWorker = await paired(viaChannel, viaParentPort);
const workerToWorker = await paired(direct, relayed);
// 3. Worker to worker while the main thread is busy: relayed is slow by design, few round trips do.
const busyRepeats = quick ? 1 : 3;
const busyRelayRounds = quick ? 20 : 50;
const directBusy: number[] = [];
const relayedBusy: number[] = [];
for (let r = 0; r < busyRepeats; r++) {
  directBusy.push(await whileMainIsBusy(() => direct(rounds * 5)));
  relayedBusy.push(await whileMainIsBusy(() => relayed(busyRelayRounds)));
}

mainEnd.close();
await Promise.all([a.terminate(), b.terminate()]);

// 4. Two channels to one worker: are they independent? And when the worker fails, what do its
//    channels tell the main thread (option C, "better error handling")?
const c = new Worker(echoWorker);
const x = new MessageChannel();
const y = new MessageChannel();
c.postMessage({ kind: 'echo-port', port: x.port2 }, [x.port2]);
c.postMessage({ kind: 'echo-port', port: y.port2 }, [y.port2]);
const heardOn = { x: [] as unknown[], y: [] as unknown[] };
x.port1.on('message', (m) => heardOn.x.push(m));
y.port1.on('message', (m) => heardOn.y.push(m));
const yEvents: string[] = [];
y.port1.on('close', () => yEvents.push('close'));
y.port1.on('messageerror', () => yEvents.push('messageerror'));
const roundTrip = (port: MessagePort, value: string) =>
  new Promise<void>((resolve) => {
    port.once('message', () => resolve());
    port.postMessage(value);
  });
await roundTrip(x.port1, 'to x');
await roundTrip(y.port1, 'to y');
x.port1.close();
await roundTrip(y.port1, 'to y, after x was closed');
const workerError = new Promise<string>((resolve) => c.once('error', (e) => resolve(e.message)));
const yClosed = new Promise<void>((resolve) => y.port1.once('close', () => resolve()));
c.postMessage({ kind: 'die' });
const errorMessage = await workerError;
await yClosed;

const m = {
  channel: median(mainToWorker.a),
  parentPort: median(mainToWorker.b),
  direct: median(workerToWorker.a),
  relayed: median(workerToWorker.b),
  directBusy: median(directBusy),
  relayedBusy: median(relayedBusy),
};
exp.measure('main <-> worker round trip over parentPort', m.parentPort, 'µs');
exp.measure('main <-> worker round trip over a MessageChannel', m.channel, 'µs');
exp.measure('worker <-> worker round trip, direct over a MessageChannel', m.direct, 'µs');
exp.measure('worker <-> worker round trip, relayed through the main thread', m.relayed, 'µs');
exp.measure('worker <-> worker, direct, while the main thread is busy', m.directBusy, 'µs');
exp.measure('worker <-> worker, relayed, while the main thread is busy', m.relayedBusy, 'µs');
exp.measure('two channels to one worker: what each main-thread end heard', `x: ${JSON.stringify(heardOn.x)}; y: ${JSON.stringify(heardOn.y)}`);
exp.measure("the worker throws: its Worker's 'error' event, and the events on the channel's main-thread end", `'error': ${errorMessage}; channel: ${yEvents.join(', ') || 'none'}`);
exp.measure('parentPort against a MessageChannel, main <-> worker: median of paired ratios', mainToWorker.ratio, 'x');
exp.measure('relayed against direct, worker <-> worker: median of paired ratios', workerToWorker.ratio, 'x');
exp.note(`Medians over ${pairs} pairs of batches of ${rounds} round trips, one at a time. Busy main thread: ${busyRepeats} run(s) of ${rounds * 5} direct and ${busyRelayRounds} relayed round trips.`);

const ratio = mainToWorker.ratio;
exp.claim(
  'between the main thread and a worker, a MessageChannel is not meaningfully faster than parentPort (within 2x either way)',
  ratio > 0.5 && ratio < 2,
  `parentPort ${m.parentPort.toFixed(0)} µs, channel ${m.channel.toFixed(0)} µs; paired: parentPort takes ${ratio.toFixed(2)}x the channel's time`,
);
exp.claim(
  'parentPort is bidirectional too: every parentPort round trip above went main -> worker and back on it',
  mainToWorker.b.length === pairs && m.parentPort > 0,
  `${pairs * rounds} round trips completed over parentPort`,
);
exp.claim(
  'worker to worker, a direct channel is faster than relaying every message through the main thread (at least 1.3x)',
  workerToWorker.ratio >= 1.3,
  `relayed ${m.relayed.toFixed(0)} µs against direct ${m.direct.toFixed(0)} µs; paired: relayed takes ${workerToWorker.ratio.toFixed(2)}x the direct time`,
);
exp.claim(
  'while the main thread is busy, a relayed message waits for it; a direct channel does not (at least 5x apart)',
  m.relayedBusy > m.directBusy * 5,
  `relayed ${(m.relayedBusy / 1000).toFixed(1)} ms against direct ${(m.directBusy / 1000).toFixed(2)} ms per round trip: ${(m.relayedBusy / m.directBusy).toFixed(0)}x`,
);
exp.claim(
  'several channels to one worker are independent: each hears only its own messages, and closing one leaves the other working',
  JSON.stringify(heardOn.x) === JSON.stringify(['to x']) && JSON.stringify(heardOn.y) === JSON.stringify(['to y', 'to y, after x was closed']),
  `x heard ${JSON.stringify(heardOn.x)}, y heard ${JSON.stringify(heardOn.y)}`,
);
exp.claim(
  "no better error handling (option C): when the worker fails, the error arrives on the Worker's 'error' event; its channel only closes",
  errorMessage === 'the worker failed' && yEvents.join() === 'close',
  `'error' event: ${errorMessage}; channel events: ${yEvents.join(', ')}`,
);
exp.done();
