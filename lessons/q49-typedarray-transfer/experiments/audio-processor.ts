// Document 003, Q49, "Real-world example: Audio processing". Its AudioProcessor registers
// worker.once('message') and worker.once('error') on every call, on one worker. What do two
// concurrent calls get, what do later calls get, and what happens to the caller's audio?
import { AudioProcessor as DocumentProcessor, type AudioBufferLike } from '../broken/document-audio-processor/audio-processor.ts';
import { AudioProcessor as FixedProcessor } from '../../../solutions/q49-typedarray-transfer/audio-processor.ts';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment("Q49: what does the document's AudioProcessor give two callers at once?");
const show = (samples: Float32Array) => `[${[...samples].map((v) => +v.toFixed(3)).join(', ')}]`;
/** Node has no AudioBuffer: a stand-in with the two members processAudio uses. */
const audio = (values: number[]): AudioBufferLike => {
  const channel = Float32Array.from(values);
  return { getChannelData: () => channel, sampleRate: 48_000 };
};
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

// 1. Two calls at once, then one more.
const doc = new DocumentProcessor();
const a = audio([0.5, -0.25]);
const b = audio([2, 4]);
const [ra, rb] = await Promise.all([doc.processAudio(a), doc.processAudio(b)]);
const rc = await doc.processAudio(audio([1, -3]));
exp.measure('document: processAudio([0.5, -0.25]) and processAudio([2, 4]) at once gave', `${show(ra)} and ${show(rb)}`);
exp.measure('document: the same object for both callers', String(ra === rb));
exp.measure('document: the next call, processAudio([1, -3]), gave', show(rc));
exp.measure("document: the caller's audio afterwards, a.getChannelData(0).length", a.getChannelData(0).length);
await doc.close();

// 2. Silence, on a fresh processor.
const quiet = new DocumentProcessor();
const silence = await quiet.processAudio(audio([0, 0, 0]));
exp.measure('document: processAudio of silence [0, 0, 0] gave', show(silence));

// 3. Listeners left behind: twelve calls one after another.
for (let i = 0; i < 12; i++) await quiet.processAudio(audio([i + 1]));
await new Promise((r) => setTimeout(r, 20));
const errorListeners = quiet.worker.listenerCount('error');
exp.measure("document: 'error' listeners on its worker after 13 calls", errorListeners);
exp.measure('document: warnings printed', warnings.join(' | ') || '(none)');
await quiet.close();

// 4. The same calls on the workbook's AudioProcessor (solutions/q49-typedarray-transfer).
const fixed = new FixedProcessor();
const [fa, fb] = await Promise.all([fixed.process(Float32Array.from([0.5, -0.25])), fixed.process(Float32Array.from([2, 4]))]);
const fc = await fixed.process(Float32Array.from([1, -3]));
const fs = await fixed.process(new Float32Array(3));
exp.measure('fixed: the two calls at once gave', `${show(fa)} and ${show(fb)}`);
exp.measure('fixed: the next call gave', show(fc));
exp.measure('fixed: silence gave', show(fs));
await fixed.close();

exp.claim(
  'with two calls in flight, both callers get the FIRST call\'s result: one reply fires both once-listeners',
  show(ra) === '[1, -0.5]' && show(rb) === '[1, -0.5]' && ra === rb,
  `${show(ra)} and ${show(rb)}; [2, 4] should have given [0.5, 1]`,
);
exp.claim(
  "the second reply is not lost: it settles the NEXT call, so from then on every call gets the previous call's result",
  show(rc) === '[0.5, 1]',
  `processAudio([1, -3]) gave ${show(rc)}, the answer for [2, 4]`,
);
exp.claim(
  "transferring channelData.buffer empties the caller's audio: getChannelData(0) has length 0 afterwards",
  a.getChannelData(0).length === 0,
  `length ${a.getChannelData(0).length}`,
);
exp.claim('silence comes back as NaN: max is 0, and 0 / 0 is NaN', [...silence].every(Number.isNaN), show(silence));
exp.claim(
  "every call leaves an 'error' listener behind, and Node warns after the 11th",
  errorListeners >= 11 && warnings.some((w) => w.startsWith('MaxListenersExceededWarning')),
  `${errorListeners} 'error' listeners; ${warnings.length} warning(s)`,
);
exp.claim(
  'with an id per call and one listener, each caller gets its own result and silence stays silent',
  show(fa) === '[1, -0.5]' && show(fb) === '[0.5, 1]' && show(fc) === '[0.333, -1]' && show(fs) === '[0, 0, 0]',
  `${show(fa)}, ${show(fb)}, ${show(fc)}, ${show(fs)}`,
);
exp.done();
