// Timelines: a picture of a pool at work, drawn as SVG at build time from a recorded run.
// One row per worker, one bar per task, the queue's depth over time above them, crashes and
// replacement workers marked. The data format is documented in lessons/README.md ("Timelines").
import { esc } from './html.ts';

export type TaskOutcome = 'ok' | 'error' | 'crash' | 'timeout' | 'rejected' | 'lost';

export interface TimelineTask {
  /** The task's id or label. */
  task: string | number;
  /** The worker that ran it; absent if it never started. */
  worker?: string | number;
  /** Milliseconds from the start of the run. */
  queuedAt: number;
  startedAt?: number;
  /** When it settled; absent if it never did (outcome 'lost'). */
  endedAt?: number;
  outcome: TaskOutcome;
}

export interface TimelineWorker {
  id: string | number;
  startedAt?: number;
  endedAt?: number;
  /** How the worker ended: 'crash' is marked on its row. */
  exit?: 'crash' | 'terminated' | 'timeout' | 'exit';
  /** The worker this one was started to replace. */
  replaces?: string | number;
}

export interface Timeline {
  caption?: string;
  workers?: TimelineWorker[];
  tasks: TimelineTask[];
}

const outcomes: TaskOutcome[] = ['ok', 'error', 'crash', 'timeout', 'rejected', 'lost'];
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isId = (v: unknown): v is string | number => typeof v === 'string' || isNum(v);

/** Accepts a timeline as an array of tasks, or as { caption, workers, tasks }; JSON text too. */
export function parseTimeline(value: unknown): Timeline | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  const obj = (Array.isArray(v) ? { tasks: v } : v) as Partial<Timeline> | null;
  if (!obj || !Array.isArray(obj.tasks)) return undefined;
  const tasks = obj.tasks.filter(
    (t): t is TimelineTask => !!t && isId(t.task) && isNum(t.queuedAt) && outcomes.includes(t.outcome),
  );
  if (tasks.length === 0) return undefined;
  const workers = Array.isArray(obj.workers) ? obj.workers.filter((w): w is TimelineWorker => !!w && isId(w.id)) : undefined;
  return { caption: typeof obj.caption === 'string' ? obj.caption : undefined, workers, tasks };
}

interface RecordLike {
  timeline?: unknown;
  measurements?: Record<string, { value: unknown; unit?: string }>;
}

/** The timelines in a recorded run: measurements whose unit is "timeline", or a top-level `timeline`. */
export function timelinesOf(record: RecordLike): { name: string; timeline: Timeline }[] {
  const found: { name: string; timeline: Timeline }[] = [];
  if (record.timeline !== undefined) {
    const t = parseTimeline(record.timeline);
    if (t) found.push({ name: 'timeline', timeline: t });
  }
  for (const [name, m] of Object.entries(record.measurements ?? {})) {
    if (m?.unit !== 'timeline' && name !== 'timeline') continue;
    const t = parseTimeline(m.value);
    if (t) found.push({ name, timeline: t });
  }
  return found;
}

/** A round step for axis ticks: 1, 2 or 5 times a power of ten, giving at most `max` ticks. */
function tickStep(span: number, max = 8): number {
  const raw = span / max;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= max) ?? power * 10;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)).replace(/\.0+$/, '');

const outcomeLabel: Record<TaskOutcome, string> = {
  ok: 'done',
  error: 'rejected with an error',
  crash: 'its worker crashed',
  timeout: 'timed out',
  rejected: 'rejected before it ran',
  lost: 'never settled',
};

/** Draws the timeline. Colours come from CSS classes, so it follows the light or dark theme. */
export function renderTimeline(timeline: Timeline, options: { id?: string; title?: string } = {}): string {
  const { tasks } = timeline;
  const end = Math.max(
    ...tasks.map((t) => Math.max(t.queuedAt, t.startedAt ?? 0, t.endedAt ?? 0)),
    ...(timeline.workers ?? []).map((w) => Math.max(w.startedAt ?? 0, w.endedAt ?? 0)),
    1,
  );
  const start = Math.min(0, ...tasks.map((t) => t.queuedAt));
  const span = end - start || 1;

  // Rows: the workers named in `workers`, in that order, then any others in order of first use.
  const rowIds: string[] = [];
  const workerInfo = new Map<string, TimelineWorker>();
  for (const w of timeline.workers ?? []) {
    const id = String(w.id);
    if (!rowIds.includes(id)) rowIds.push(id);
    workerInfo.set(id, w);
  }
  for (const t of [...tasks].sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity))) {
    if (t.worker !== undefined && !rowIds.includes(String(t.worker))) rowIds.push(String(t.worker));
  }
  const neverRan = tasks.filter((t) => t.worker === undefined || t.startedAt === undefined);

  const width = 760;
  const left = 118;
  const right = 16;
  const plot = width - left - right;
  const x = (ms: number) => left + ((ms - start) / span) * plot;
  const queueTop = 26;
  const queueHeight = 34;
  const rowsTop = queueTop + queueHeight + 14;
  const rowHeight = 30;
  const barHeight = 18;
  const rowCount = rowIds.length + (neverRan.length > 0 ? 1 : 0);
  const axisY = rowsTop + rowCount * rowHeight + 6;
  const height = axisY + 44;

  const parts: string[] = [];
  const title = options.title ?? timeline.caption ?? 'A pool at work';
  const titleId = options.id ? `${options.id}-title` : undefined;
  parts.push(
    `<svg class="timeline-svg" viewBox="0 0 ${width} ${height}" role="img"${titleId ? ` aria-labelledby="${esc(titleId)}"` : ` aria-label="${esc(title)}"`} xmlns="http://www.w3.org/2000/svg">`,
  );
  if (titleId) parts.push(`<title id="${esc(titleId)}">${esc(title)}</title>`);

  // Grid and axis.
  const step = tickStep(span);
  for (let t = Math.ceil(start / step) * step; t <= end + 1e-9; t += step) {
    const tx = x(t).toFixed(1);
    parts.push(`<line class="tl-grid" x1="${tx}" x2="${tx}" y1="${queueTop}" y2="${axisY}"/>`);
    parts.push(`<text class="tl-tick" x="${tx}" y="${axisY + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  parts.push(`<line class="tl-axis" x1="${left}" x2="${width - right}" y1="${axisY}" y2="${axisY}"/>`);
  parts.push(`<text class="tl-tick" x="${width - right}" y="${axisY + 34}" text-anchor="end">milliseconds since the run started</text>`);

  // Queue depth: a step area, the number of tasks waiting at each moment.
  const changes: [number, number][] = [];
  for (const t of tasks) {
    const left = t.startedAt ?? (t.outcome === 'rejected' ? t.endedAt : undefined) ?? end;
    changes.push([t.queuedAt, +1], [Math.max(left, t.queuedAt), -1]);
  }
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let maxDepth = 0;
  const points: [number, number][] = [[start, 0]];
  for (const [at, d] of changes) {
    points.push([at, depth]);
    depth += d;
    points.push([at, depth]);
    maxDepth = Math.max(maxDepth, depth);
  }
  points.push([end, depth]);
  const qy = (n: number) => queueTop + queueHeight - (maxDepth ? (n / maxDepth) * queueHeight : 0);
  parts.push(`<text class="tl-label" x="${left - 10}" y="${queueTop + queueHeight / 2 + 4}" text-anchor="end">queue</text>`);
  parts.push(`<text class="tl-sublabel" x="${left - 10}" y="${queueTop + queueHeight / 2 + 17}" text-anchor="end">max ${maxDepth} waiting</text>`);
  parts.push(`<line class="tl-lane" x1="${left}" x2="${width - right}" y1="${queueTop + queueHeight}" y2="${queueTop + queueHeight}"/>`);
  if (maxDepth > 0) {
    const d = points.map(([t, n], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${qy(n).toFixed(1)}`).join('');
    parts.push(`<path class="tl-queue" d="${d}L${x(end).toFixed(1)},${qy(0).toFixed(1)}Z"><title>tasks waiting in the queue (at most ${maxDepth})</title></path>`);
  }

  // Worker rows.
  const rowY = (i: number) => rowsTop + i * rowHeight;
  rowIds.forEach((id, i) => {
    const y = rowY(i);
    const info = workerInfo.get(id);
    const mid = y + rowHeight / 2;
    parts.push(`<line class="tl-lane" x1="${left}" x2="${width - right}" y1="${mid}" y2="${mid}"/>`);
    parts.push(`<text class="tl-label" x="${left - 10}" y="${mid + 4}" text-anchor="end">worker ${esc(id)}</text>`);
    if (info?.replaces !== undefined) {
      const sx = x(info.startedAt ?? 0);
      parts.push(
        `<g class="tl-replace"><path d="M${(sx - 5).toFixed(1)},${mid - 12}l5,6l5,-6z"/><title>worker ${esc(id)} started at ${fmt(info.startedAt ?? 0)} ms to replace worker ${esc(info.replaces)}</title></g>`,
      );
      parts.push(`<text class="tl-sublabel" x="${left - 10}" y="${mid + 16}" text-anchor="end">replaces ${esc(info.replaces)}</text>`);
    }
    if (info && (info.startedAt !== undefined || info.endedAt !== undefined)) {
      const a = x(info.startedAt ?? start);
      const b = x(info.endedAt ?? end);
      parts.push(`<line class="tl-alive" x1="${a.toFixed(1)}" x2="${b.toFixed(1)}" y1="${mid}" y2="${mid}"/>`);
    }
    for (const t of tasks.filter((t) => String(t.worker) === id && t.startedAt !== undefined)) {
      const a = x(t.startedAt!);
      const b = x(t.endedAt ?? end);
      const w = Math.max(b - a, 2);
      const wait = t.startedAt! - t.queuedAt;
      const ran = t.endedAt !== undefined ? `ran ${fmt(t.endedAt - t.startedAt!)} ms` : 'still running when the run ended';
      parts.push(
        `<g class="tl-task tl-${t.outcome}"><rect x="${a.toFixed(1)}" y="${y + (rowHeight - barHeight) / 2}" width="${w.toFixed(1)}" height="${barHeight}" rx="3"/>` +
          (w >= 16 ? `<text x="${(a + w / 2).toFixed(1)}" y="${mid + 4}" text-anchor="middle">${esc(t.task)}</text>` : '') +
          `<title>task ${esc(t.task)} on worker ${esc(id)}: queued at ${fmt(t.queuedAt)} ms, waited ${fmt(wait)} ms, ${ran}; ${outcomeLabel[t.outcome]}</title></g>`,
      );
      if (t.outcome === 'crash' && t.endedAt !== undefined) parts.push(crossAt(b, mid, `worker ${id} crashed at ${fmt(t.endedAt)} ms`));
    }
    if (info?.exit === 'crash' && info.endedAt !== undefined && !tasks.some((t) => String(t.worker) === id && t.outcome === 'crash')) {
      parts.push(crossAt(x(info.endedAt), mid, `worker ${id} crashed at ${fmt(info.endedAt)} ms`));
    }
  });

  // Tasks that never reached a worker.
  if (neverRan.length > 0) {
    const y = rowY(rowIds.length);
    const mid = y + rowHeight / 2;
    parts.push(`<text class="tl-label" x="${left - 10}" y="${mid + 4}" text-anchor="end">never ran</text>`);
    neverRan.forEach((t, i) => {
      const a = x(t.queuedAt);
      const b = x(t.endedAt ?? end);
      const ty = mid - 8 + ((i * 4) % 16);
      parts.push(
        `<g class="tl-waiting tl-${t.outcome}"><line x1="${a.toFixed(1)}" x2="${Math.max(b, a + 2).toFixed(1)}" y1="${ty}" y2="${ty}"/>` +
          `<title>task ${esc(t.task)}: queued at ${fmt(t.queuedAt)} ms, ${t.endedAt !== undefined ? `settled at ${fmt(t.endedAt)} ms` : 'still waiting when the run ended'}; ${outcomeLabel[t.outcome]}</title></g>`,
      );
    });
  }

  parts.push('</svg>');

  const used = new Set(tasks.map((t) => t.outcome));
  const legend = [
    '<span class="tl-key tl-key-queue">tasks waiting</span>',
    ...outcomes.filter((o) => used.has(o)).map((o) => `<span class="tl-key tl-key-${o}">${esc(outcomeLabel[o])}</span>`),
    tasks.some((t) => t.outcome === 'crash') || (timeline.workers ?? []).some((w) => w.exit === 'crash') ? '<span class="tl-key tl-key-cross">worker crashed</span>' : '',
    (timeline.workers ?? []).some((w) => w.replaces !== undefined) ? '<span class="tl-key tl-key-replace">replacement started</span>' : '',
  ].join('');

  return `<figure class="timeline"${options.id ? ` id="${esc(options.id)}"` : ''}><figcaption>${esc(title)}</figcaption><div class="timeline-scroll">${parts.join('')}</div><div class="tl-legend">${legend}</div></figure>`;
}

function crossAt(cx: number, cy: number, label: string): string {
  return `<g class="tl-cross"><path d="M${(cx - 6).toFixed(1)},${cy - 6}l12,12M${(cx + 6).toFixed(1)},${cy - 6}l-12,12"/><title>${esc(label)}</title></g>`;
}
