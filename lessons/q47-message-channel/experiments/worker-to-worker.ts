// The document's "Worker-to-Worker Communication" demo: each worker answers every message that
// arrives on the channel, including the other worker's answers. Does it stop? Does the program end?
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript } from '../fixtures/run-script.ts';

const exp = experiment("Q47's worker-to-worker demo: does the conversation stop, and does the program end?");
const windowMs = quick ? 2000 : 4000;
const documentDemo = new URL('../fixtures/document-worker-to-worker.ts', import.meta.url);
const fixedDemo = new URL('../fixtures/fixed-worker-to-worker.ts', import.meta.url);

// The demo prints a line for every message received on the channel: count them (the text itself is
// not kept beyond the first lines, so that the flood does not fill this process's memory).
const [doc, fixed] = await Promise.all([
  runScript(documentDemo, 30_000, { keepChars: 4000, after: { pattern: /received via channel/, ms: windowMs } }),
  runScript(fixedDemo, 30_000, { after: { pattern: /got its reply/, ms: windowMs } }),
]);

const firstLines = doc.output.split('\n').slice(0, 5).join(' / ');
const channelMessages = Math.max(0, doc.lines - 2); // two lines are "channel setup complete"
const perSecond = channelMessages / (windowMs / 1000);
exp.measure("the document's demo: messages printed in the window after the first one arrived", channelMessages);
exp.measure("the document's demo: messages per second", perSecond, '/s');
exp.measure("the document's demo: its first lines", firstLines);
exp.measure("the document's demo: at the end of the window", doc.stoppedAtDeadline ? 'still running, stopped' : `exited with code ${doc.exitCode}`);
exp.measure('the fixed demo', `${fixed.stoppedAtDeadline ? 'still running, stopped' : `exited by itself with code ${fixed.exitCode}`}; printed: ${fixed.output.split('\n').join(' / ')}`);

exp.claim(
  "the document's two workers answer each other's answers forever: hundreds of messages, not one exchange",
  channelMessages > 100 && /Worker1 received via channel: Worker2 says: Message received!/.test(doc.output) && /Worker2 received via channel: Worker1 says: Message received!/.test(doc.output),
  `${channelMessages} messages in ${windowMs / 1000} s (${perSecond.toFixed(0)} per second)`,
);
exp.claim("the document's demo program never ends by itself", doc.stoppedAtDeadline, doc.stoppedAtDeadline ? `still running after the ${windowMs / 1000} s window` : `exited with code ${doc.exitCode}`);
exp.claim(
  'a version that does not answer replies, closes its ports and stops listening ends by itself after one exchange',
  fixed.exitCode === 0 && (fixed.output.match(/received via channel/g) ?? []).length === 2,
  `exit code ${fixed.exitCode}; ${(fixed.output.match(/received via channel/g) ?? []).length} messages on the channel`,
);
exp.done();
