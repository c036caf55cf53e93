// The learner's own check status. `npm run serve` answers status.json live from
// .workbook/progress.json; a static host serves the build's placeholder, and nothing is shown.
import { $, $$, siteUrl } from './util.ts';

interface LessonStatus {
  state: 'pass' | 'fail' | 'not-run';
  passedAt?: string;
  lastRun?: { passed: number; total: number; at: string };
}

interface Status {
  available: boolean;
  lessons?: Record<string, LessonStatus>;
}

const when = (iso: string | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

function describe(s: LessonStatus): { short: string; long: string } {
  if (s.state === 'pass') return { short: 'Your checks pass', long: `Your exercise passes every check${s.passedAt ? ` (${when(s.passedAt)})` : ''}.` };
  if (s.state === 'fail' && s.lastRun)
    return {
      short: `${s.lastRun.passed} of ${s.lastRun.total} checks pass`,
      long: `Your last run passed ${s.lastRun.passed} of ${s.lastRun.total} checks (${when(s.lastRun.at)}).`,
    };
  return { short: 'Not checked yet', long: 'You have not run this lesson’s checks yet.' };
}

async function refresh(): Promise<boolean> {
  let status: Status;
  try {
    const response = await fetch(siteUrl('status.json'), { cache: 'no-store' });
    if (!response.ok) return false;
    status = (await response.json()) as Status;
  } catch {
    return false;
  }
  if (!status.available || !status.lessons) return false;
  const lessons = status.lessons;
  for (const link of $$('a[data-lesson]')) {
    const s = lessons[link.dataset.lesson ?? ''];
    const dot = $('.status-dot', link);
    if (!dot) continue;
    dot.hidden = !s || s.state === 'not-run';
    if (s) {
      dot.className = `status-dot dot-${s.state}`;
      dot.title = describe(s).short;
    }
  }
  const id = document.body.dataset.lesson;
  const s = id ? lessons[id] : undefined;
  const badge = $('[data-status-badge]');
  const panel = $('[data-status-panel]');
  if (s && badge) {
    badge.hidden = false;
    badge.className = `status-badge status-${s.state}`;
    badge.textContent = describe(s).short;
  }
  if (s && panel) {
    panel.hidden = false;
    panel.className = `status-panel status-${s.state}`;
    panel.textContent = describe(s).long;
  }
  return true;
}

export function initStatus(): void {
  void refresh().then((live) => {
    if (!live) return;
    // Keep up with the learner's check runs while the page is open.
    setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, 5000);
  });
}
