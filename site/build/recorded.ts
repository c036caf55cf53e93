// Recorded experiment runs (lessons/<id>/recorded/<name>.json), shown with the machine they came
// from and the command that re-runs them. Nothing here types a measurement by hand.
import { existsSync, readFileSync } from 'node:fs';
import type { Lesson } from '../../tool/lessons.ts';
import { otherNodeRecords, recordFile } from '../../tool/experiments/records.ts';
import { command } from './highlight.ts';
import { esc, formatDate } from './html.ts';
import { renderTimeline, timelinesOf } from './timeline.ts';

export interface RecordedRun {
  experiment?: string;
  command?: string;
  recordedAt?: string;
  machine?: { node?: string; cores?: number; cpu?: string; platform?: string; loadAtStart?: number };
  quick?: boolean;
  measurements?: Record<string, { value: unknown; unit?: string }>;
  claims?: { claim: string; holds: boolean; evidence: string; checked?: boolean }[];
  output?: string;
  timeline?: unknown;
}

export function loadRecord(lesson: Lesson, name: string): RecordedRun | undefined {
  return readRecord(recordFile(lesson, name));
}

function readRecord(file: string): RecordedRun | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RecordedRun;
  } catch {
    return undefined;
  }
}

export const rerunCommand = (lesson: Lesson, name: string) => loadRecord(lesson, name)?.command ?? `npm run experiment -- ${lesson.id} ${name}`;

/** "Node v20.20.2 · 2 cores · AMD EPYC · load 1.2 · 22 Nov 2026": where and when a run was recorded. */
export function machineLine(record: RecordedRun): string {
  const m = record.machine ?? {};
  const load = m.loadAtStart === undefined ? [] : [`load ${m.loadAtStart}`];
  return [`Node ${m.node ?? '?'}`, `${m.cores ?? '?'} cores`, m.cpu ?? 'unknown CPU', ...load, formatDate(record.recordedAt)].join(' · ');
}

function outputLines(record: RecordedRun): { question: string; body: string } {
  const lines = (record.output ?? '').replace(/\s+$/, '').split('\n');
  let question = '';
  if (lines.length > 1 && /^Node v\d/.test(lines[1] ?? '')) {
    question = lines.shift() ?? '';
    lines.shift();
  }
  // A timeline is data for the picture, not something to read as text.
  const timelineNames = timelinesOf(record).map((t) => `${t.name}: `);
  const shown = lines.filter((line) => !timelineNames.some((name) => line.trimStart().startsWith(name)));
  while (shown[0] === '') shown.shift();
  const body = shown
    .map((line) => {
      const e = esc(line);
      if (/^\s*✓/.test(line)) return `<span class="out-pass">${e}</span>`;
      if (/^\s*✗/.test(line)) return `<span class="out-fail">${e}</span>`;
      if (/^\s{6,}\S/.test(line)) return `<span class="out-dim">${e}</span>`;
      return e;
    })
    .join('\n');
  return { question, body };
}

/**
 * The block that `{{recorded: name}}` becomes, and the one each experiment shows: the run recorded
 * on the workbook's primary Node, then any run of it recorded on another Node major, folded.
 */
export function renderRecorded(lesson: Lesson, name: string, options: { id?: string } = {}): string {
  const record = loadRecord(lesson, name);
  const id = options.id ? ` id="${esc(options.id)}"` : '';
  const others = otherNodeRecords(lesson, name)
    .map(({ major, file }) => ({ major, record: readRecord(file) }))
    .filter((o): o is { major: number; record: RecordedRun } => o.record !== undefined)
    .map(({ major, record: other }) => {
      const claims = other.claims ?? [];
      const held = claims.filter((c) => c.holds || c.checked === false).length;
      const summary = `The same experiment, recorded on Node ${esc(other.machine?.node ?? major)}${claims.length ? `: ${held} of ${claims.length} claims held` : ''}`;
      return `<details class="recorded-other"><summary>${summary}</summary>${renderRun(lesson, name, other, '', `${options.id ?? `recorded-${name}`}-node${major}`)}</details>`;
    })
    .join('');
  if (!record) {
    return `<div class="recorded recorded-missing"${id}><p><strong>No recorded run of <code>${esc(name)}</code> yet.</strong> Run it on your machine, or record it for the site:</p>${command(rerunCommand(lesson, name))}${command(`${rerunCommand(lesson, name)} --record`)}</div>${others}`;
  }
  return renderRun(lesson, name, record, id, options.id ?? `recorded-${name}`) + others;
}

function renderRun(lesson: Lesson, name: string, record: RecordedRun, id: string, idBase: string): string {
  const m = record.machine ?? {};
  const { question, body } = outputLines(record);
  const failed = (record.claims ?? []).filter((c) => !c.holds && c.checked !== false).length;
  const uncounted = (record.claims ?? []).filter((c) => c.checked === false).length;
  const chips = [
    record.quick ? '<span class="chip chip-warn" title="recorded with WORKBOOK_QUICK=1: fewer repetitions">quick run</span>' : '',
    failed ? `<span class="chip chip-bad">${failed} claim${failed > 1 ? 's' : ''} did not hold</span>` : '',
    uncounted ? `<span class="chip chip-warn" title="the machine was too busy to test a parallel speed-up">${uncounted} claim${uncounted > 1 ? 's' : ''} not tested: busy machine</span>` : '',
  ].join('');
  const timelines = timelinesOf(record)
    .map((t, i) => renderTimeline(t.timeline, { id: `${idBase}-timeline-${i + 1}` }))
    .join('');
  return `<figure class="recorded"${id} data-experiment="${esc(name)}">
<figcaption class="recorded-head">
<div class="recorded-title"><span class="recorded-label">Recorded run</span>${question ? `<span class="recorded-question">${esc(question)}</span>` : `<code>${esc(name)}</code>`}${chips}</div>
<dl class="machine">
<div><dt>Node</dt><dd>${esc(m.node ?? '?')}</dd></div>
<div><dt>Cores</dt><dd>${esc(m.cores ?? '?')}</dd></div>
<div><dt>CPU</dt><dd>${esc(m.cpu ?? 'unknown')}</dd></div>
<div><dt>Platform</dt><dd>${esc(m.platform ?? '?')}</dd></div>${m.loadAtStart === undefined ? '' : `<div title="the 1-minute load average when the run started: above the core count, other work was competing for the cores"><dt>Load</dt><dd>${esc(m.loadAtStart)}</dd></div>`}
<div><dt>Recorded</dt><dd><time datetime="${esc(record.recordedAt ?? '')}">${esc(formatDate(record.recordedAt))}</time></dd></div>
</dl>
</figcaption>
${timelines}<pre class="recorded-output">${body}</pre>
<div class="recorded-rerun"><span>Re-run it on your machine:</span>${command(record.command ?? rerunCommand(lesson, name))}</div>
</figure>`;
}
