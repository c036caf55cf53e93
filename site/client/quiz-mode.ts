// Quiz mode (interview prep): all questions or one track, shuffled, optionally timed, scored, and a
// review of the missed ones at the end.
import { initCopyButtons } from './copy.ts';
import { verdictHtml } from './quiz.ts';
import { save } from './store.ts';
import { $, $$, escapeHtml, pageData, siteUrl, typing } from './util.ts';

interface Item {
  key: string;
  lessonTitle: string;
  track: string;
  trackId: string;
  url: string;
  source: string;
  question: string;
  code: string;
  options: { key: string; html: string }[];
  answer: string;
  /** Options that are true as well: choosing one counts as right. */
  alsoRight?: string[];
  corrects: boolean;
  answerHtml: string;
}

interface Result {
  item: Item;
  choice?: string;
  correct: boolean;
  timedOut: boolean;
}

function shuffle<T>(list: T[]): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.max(0, s) % 60).padStart(2, '0')}`;

export function initQuizMode(): void {
  const all = pageData<Item[]>() ?? [];
  const form = $<HTMLFormElement>('.qm-setup');
  const run = $('.qm-run');
  const result = $('.qm-result');
  if (!form || !run || !result) return;
  form.hidden = false;

  // Settings from the URL: quiz.html?track=quiz&timed=60
  const params = new URLSearchParams(location.search);
  const track = params.get('track');
  if (track !== null) $$<HTMLInputElement>('input[name=track]', form).forEach((r) => (r.checked = r.value === track));
  const timedParam = params.get('timed');
  if (timedParam) {
    $<HTMLInputElement>('input[name=timed]', form)!.checked = true;
    const select = $<HTMLSelectElement>('select[name=seconds]', form)!;
    if ([...select.options].some((o) => o.value === timedParam)) select.value = timedParam;
  }

  let items: Item[] = [];
  let index = 0;
  let results: Result[] = [];
  let seconds = 0;
  let timer: number | undefined;
  let startedAt = 0;

  const stopTimer = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  function start(): void {
    const data = new FormData(form!);
    const trackId = String(data.get('track') ?? '');
    seconds = data.get('timed') ? Number(data.get('seconds') ?? 60) : 0;
    items = shuffle(all.filter((i) => !trackId || i.trackId === trackId));
    index = 0;
    results = [];
    startedAt = Date.now();
    form!.hidden = true;
    result!.hidden = true;
    run!.hidden = false;
    run!.closest('.quiz-mode')?.classList.add('is-running');
    show();
  }

  function show(): void {
    stopTimer();
    const item = items[index];
    if (!item) return finish();
    const right = results.filter((r) => r.correct).length;
    run!.innerHTML = `<div class="qm-progress"><span class="qm-count">Question ${index + 1} of ${items.length}</span><span class="qm-score">${right} right so far</span>${seconds ? `<span class="qm-timer" role="timer">${clock(seconds)}</span>` : ''}</div>
<div class="qm-bar" aria-hidden="true"><div style="width:${(index / items.length) * 100}%"></div></div>
<article class="qm-card quiz-item">
<div class="quiz-head"><span class="quiz-source">${escapeHtml(item.source)}</span><span class="quiz-source">from <a href="${siteUrl(item.url)}">${escapeHtml(item.lessonTitle)}</a></span></div>
<div class="quiz-question">${item.question}</div>
${item.code}
<ul class="quiz-options">${item.options.map((o) => `<li class="quiz-option"><button type="button" data-option="${escapeHtml(o.key)}"><span class="opt-key">${escapeHtml(o.key)}</span><span class="opt-text">${o.html}</span></button></li>`).join('')}</ul>
<div class="qm-feedback" hidden></div>
<div class="qm-actions"><button type="button" class="btn btn-brand" data-next hidden>${index + 1 < items.length ? 'Next question' : 'See my score'}</button><button type="button" class="btn-link" data-quit>End the quiz now</button></div>
</article>`;
    initCopyButtons(run!);
    for (const b of $$<HTMLButtonElement>('.quiz-option button', run!)) b.addEventListener('click', () => answer(b.dataset.option ?? ''));
    $('[data-next]', run!)?.addEventListener('click', next);
    $('[data-quit]', run!)?.addEventListener('click', finish);
    $<HTMLButtonElement>('.quiz-option button', run!)?.focus({ preventScroll: true });
    if (seconds) {
      // Counted from a deadline, not by ticks: a browser slows the timers of a tab in the background.
      const deadline = Date.now() + seconds * 1000;
      timer = window.setInterval(() => {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        const t = $('.qm-timer', run!);
        if (t) {
          t.textContent = clock(left);
          t.classList.toggle('qm-timer-low', left <= 10);
        }
        if (left <= 0) answer(undefined);
      }, 1000);
    }
  }

  function answer(choice: string | undefined): void {
    const item = items[index];
    if (!item || results.length > index) return;
    stopTimer();
    const alsoRight = item.alsoRight ?? [];
    const right = [item.answer, ...alsoRight];
    const correct = choice !== undefined && right.includes(choice);
    results.push({ item, choice, correct, timedOut: choice === undefined });
    for (const b of $$<HTMLButtonElement>('.quiz-option button', run!)) {
      const key = b.dataset.option ?? '';
      b.disabled = true;
      b.classList.toggle('is-chosen', key === choice);
      b.classList.toggle('is-right', right.includes(key));
      b.classList.toggle('is-wrong', key === choice && !correct);
    }
    const feedback = $('.qm-feedback', run!)!;
    feedback.hidden = false;
    feedback.innerHTML = `<p class="quiz-verdict ${correct ? 'verdict-right' : 'verdict-wrong'}">${verdictHtml(choice, item.answer, alsoRight)}</p><div class="quiz-answer-body">${item.answerHtml}</div>`;
    initCopyButtons(feedback);
    const score = $('.qm-score', run!);
    if (score) score.textContent = `${results.filter((r) => r.correct).length} right so far`;
    const nextButton = $<HTMLButtonElement>('[data-next]', run!)!;
    nextButton.hidden = false;
    nextButton.focus({ preventScroll: true });
    // The verdict can land below the fold (always so when the time runs out while the learner reads).
    feedback.scrollIntoView({ block: 'nearest' });
  }

  function next(): void {
    if (results.length <= index) return;
    index += 1;
    show();
    run!.scrollIntoView({ block: 'start' });
  }

  function finish(): void {
    stopTimer();
    const answered = results.length;
    const right = results.filter((r) => r.correct).length;
    const missed = results.filter((r) => !r.correct);
    const skipped = items.length - answered;
    const took = Math.round((Date.now() - startedAt) / 1000);
    save('quizmode:last', { right, total: items.length, at: new Date().toISOString() });
    run!.closest('.quiz-mode')?.classList.remove('is-running');
    run!.hidden = true;
    result!.hidden = false;
    const pct = items.length ? Math.round((right / items.length) * 100) : 0;
    result!.innerHTML = `<div class="qm-score-card"><p class="eyebrow">Your score</p><p class="qm-final" data-score="${right}/${items.length}"><strong>${right}</strong> of ${items.length} right</p><p class="muted">${pct}% · time ${clock(took)}${skipped ? ` · ${skipped} not reached` : ''}</p>
<div class="qm-actions"><button type="button" class="btn btn-brand" data-again>Try again, reshuffled</button><button type="button" class="btn" data-settings>Change the settings</button></div></div>
${missed.length ? `<h2>Review: the ${missed.length} you missed</h2><ol class="qm-review">${missed
      .map(
        (r) =>
          `<li class="qm-review-item"><p class="quiz-source">${escapeHtml(r.item.source)} · <a href="${siteUrl(r.item.url)}">${escapeHtml(r.item.lessonTitle)}</a></p><div class="quiz-question">${r.item.question}</div><p class="qm-yours">${r.timedOut ? 'No answer in time.' : `You answered ${escapeHtml(r.choice ?? '')}: ${r.item.options.find((o) => o.key === r.choice)?.html ?? ''}`}</p><div class="quiz-answer-body">${r.item.answerHtml}</div></li>`,
      )
      .join('')}</ol>` : answered ? '<p class="qm-perfect">Nothing to review: every answer was right.</p>' : ''}`;
    initCopyButtons(result!);
    $('[data-again]', result!)?.addEventListener('click', () => {
      items = shuffle(items);
      index = 0;
      results = [];
      startedAt = Date.now();
      result!.hidden = true;
      run!.hidden = false;
      run!.closest('.quiz-mode')?.classList.add('is-running');
      show();
    });
    $('[data-settings]', result!)?.addEventListener('click', () => {
      result!.hidden = true;
      form!.hidden = false;
    });
    $<HTMLButtonElement>('[data-again]', result!)?.focus();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });

  document.addEventListener('keydown', (e) => {
    if (run.hidden || typing(e) || e.metaKey || e.ctrlKey || e.altKey) return;
    const item = items[index];
    if (!item) return;
    if (e.key === 'Enter' && results.length > index && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      next();
      return;
    }
    const k = e.key.toUpperCase();
    const byNumber = /^[1-9]$/.test(k) ? item.options[Number(k) - 1]?.key : undefined;
    const key = item.options.some((o) => o.key === k) ? k : byNumber;
    if (key && results.length === index) {
      e.preventDefault();
      answer(key);
    }
  });
}
