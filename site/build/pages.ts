// Every page of the site, as HTML strings: lessons, home, quiz mode, presenter view, answer key.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lesson, QuizItem } from '../../tool/lessons.ts';
import { solutionFile, starterFile } from '../../tool/workspace.ts';
import { command, highlight } from './highlight.ts';
import { esc, Slugger, textOf } from './html.ts';
import { shell, siteTitle, type Site } from './layout.ts';
import { renderInline, renderMarkdown, withoutTitle, type Heading } from './markdown.ts';
import { quizAnchor, quizParts, renderQuizItem, rightKeys, type QuizParts } from './quiz.ts';
import { loadRecord, machineLine, renderRecorded, rerunCommand } from './recorded.ts';

export interface SearchEntry {
  /** URL relative to the site root. */
  u: string;
  /** Title of the entry. */
  t: string;
  /** Kind: lesson, section or question. */
  k: 'lesson' | 'section' | 'question';
  /** The lesson it belongs to. */
  l: string;
  /** Plain text to search and quote. */
  x: string;
}

export interface Page {
  path: string;
  html: string;
}

const readme = (lesson: Lesson): string => {
  const file = join(lesson.dir, 'README.md');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

export const trackTitle = (site: Site, id: string) => site.tracks.find((t) => t.id === id)?.title ?? id;
const lessonIds = (site: Site) => new Set(site.lessons.map((l) => l.id));
const documentName = (file: string) => (/^(\d{3})_/.exec(file) ? `Document ${file.slice(0, 3)}` : file);

/** The check titles a lesson's check files state in plain words (literal titles only). */
function checkTitles(lesson: Lesson): string[] {
  const titles: string[] = [];
  for (const file of lesson.checkFiles) {
    const source = readFileSync(join(lesson.dir, file), 'utf8');
    for (const m of source.matchAll(/\btest(?:\.(?:skip|only|fails|concurrent))?\(\s*(['"`])((?:(?!\1)[^\\\n]|\\.)+)\1\s*,/g)) {
      if (!m[2]!.includes('${')) titles.push(m[2]!.replace(/\\(.)/g, '$1'));
    }
  }
  return titles;
}

/** Where a quiz's evidence link lands: the recorded block in the text if there is one. */
export function evidenceTarget(lesson: Lesson, name: string): string {
  return readme(lesson).includes(`{{recorded: ${name}}}`) ? `recorded-${name}` : `experiment-${name}`;
}

// A quiz item appears on its lesson page, in quiz mode, the answer key and two presenter decks.
const partsMemo = new Map<string, QuizParts>();
function partsOf(site: Site, lesson: Lesson, item: QuizItem, root: string): QuizParts {
  const key = `${lesson.id}\0${item.id}\0${root}`;
  let parts = partsMemo.get(key);
  if (!parts) partsMemo.set(key, (parts = withEvidenceTargets(lesson, quizParts(lesson, item, trackTitle(site, lesson.track), root))));
  return parts;
}

function allQuizParts(site: Site, root: string): QuizParts[] {
  return site.lessons.flatMap((lesson) => lesson.quiz.map((item) => partsOf(site, lesson, item, root)));
}

function withEvidenceTargets(lesson: Lesson, parts: QuizParts): QuizParts {
  const fix = (html: string) =>
    html.replace(/(lessons\/[\w-]+\.html)#experiment-([\w.-]+)/g, (_all, page: string, name: string) => `${page}#${evidenceTarget(lesson, name)}`);
  return { ...parts, answerHtml: fix(parts.answerHtml), evidenceHtml: fix(parts.evidenceHtml) };
}

function fileBlocks(lesson: Lesson, pathOf: (file: string) => string, shownAs: (file: string) => string): string {
  return lesson.files
    .filter((f) => existsSync(pathOf(f)))
    .map((f) => highlight(readFileSync(pathOf(f), 'utf8'), f, { title: shownAs(f) }))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Lesson pages

export function lessonPage(site: Site, lesson: Lesson, index: number): { page: Page; search: SearchEntry[] } {
  const root = '../';
  const slugger = new Slugger(['main', 'search-results', 'page-data', 'nav-toggle']);
  const url = `lessons/${lesson.id}.html`;
  const source = readme(lesson);
  const text = source
    ? renderMarkdown(withoutTitle(source), { lesson, slugger, lessonIds: lessonIds(site), root })
    : { html: '<p class="muted">This lesson has no explanation yet.</p>', headings: [] };
  const headings: Heading[] = [...text.headings];
  const search: SearchEntry[] = [{ u: url, t: lesson.title, k: 'lesson', l: lesson.title, x: lesson.summary }];

  // Sections of the text as search entries: each heading with the text up to the next one.
  const sectionRe = /<h([23]) id="([^"]+)">([\s\S]*?)<\/h\1>/g;
  const marks = [...text.html.matchAll(sectionRe)];
  const intro = textOf(text.html.slice(0, marks[0]?.index ?? text.html.length));
  if (intro) search[0]!.x += ` ${intro}`;
  marks.forEach((m, i) => {
    const body = text.html.slice(m.index! + m[0].length, marks[i + 1]?.index ?? text.html.length);
    search.push({ u: `${url}#${m[2]}`, t: textOf(m[3]!).replace(/^#\s*/, ''), k: 'section', l: lesson.title, x: textOf(body) });
  });

  // The body is a function so that its h3s land in the outline after their h2.
  const section = (title: string, content: string | (() => string), className = '') => {
    const id = slugger.slug(title);
    headings.push({ depth: 2, id, text: title });
    const body = typeof content === 'string' ? content : content();
    return `<section class="lesson-part ${className}"><h2 id="${id}"><a class="anchor" href="#${id}" aria-hidden="true" tabindex="-1">#</a>${esc(title)}</h2>${body}</section>`;
  };
  const sub = (title: string, id: string) => {
    headings.push({ depth: 3, id, text: title });
    return `<h3 id="${esc(id)}"><a class="anchor" href="#${esc(id)}" aria-hidden="true" tabindex="-1">#</a>${esc(title)}</h3>`;
  };

  const parts: string[] = [];

  if (lesson.files.length > 0) {
    const titles = checkTitles(lesson);
    parts.push(
      section(
        'Check your work',
        `<div class="exercise-card">
<div class="status-panel" data-status-panel hidden></div>
<div class="exercise-row"><span class="exercise-label">Edit</span><div>${lesson.files.map((f) => `<code class="path">exercises/${esc(lesson.id)}/${esc(f)}</code>`).join(' ')}</div></div>
<div class="exercise-row"><span class="exercise-label">Check</span><div>${command(`npm run check -- ${lesson.id}`)}</div></div>
<p class="exercise-note">Or run <code>npm start</code>: it re-runs this lesson's checks every time you save.</p>
${titles.length ? `<details class="rules"><summary>The ${titles.length} rules the checks enforce</summary><ul>${titles.map((t) => `<li>${esc(t)}</li>`).join('')}</ul></details>` : ''}
<details class="starter"><summary>The starter file${lesson.files.length > 1 ? 's' : ''}, as <code>npm install</code> copied ${lesson.files.length > 1 ? 'them' : 'it'}</summary>${fileBlocks(lesson, (f) => starterFile(lesson, f), (f) => `exercises/${lesson.id}/${f}`)}</details>
</div>`,
        'part-exercise',
      ),
    );
  }

  if (lesson.hints.length > 0) {
    const tiers = lesson.hints
      .map(
        (hint, i) =>
          `<details class="hint" data-tier="${i + 1}"><summary>Hint ${i + 1} of ${lesson.hints.length}</summary><div class="hint-body">${renderMarkdown(hint, { lesson, lessonIds: lessonIds(site), root }).html}</div></details>`,
      )
      .join('');
    parts.push(
      section(
        'Hints',
        `<p>Open one tier at a time: each says a little more than the one before.</p><div class="hints" data-lesson="${esc(lesson.id)}">${tiers}</div><p class="muted">In the terminal: <code>npm run hint -- ${esc(lesson.id)}</code>.</p>`,
        'part-hints',
      ),
    );
  }

  if (lesson.files.length > 0) {
    const code = fileBlocks(lesson, (f) => solutionFile(lesson, f), (f) => `solutions/${lesson.id}/${f}`);
    if (code) {
      parts.push(
        section(
          'Reference solution',
          `<details class="solution"><summary>Reveal the reference solution</summary><p class="solution-warning">You learn more by making the checks pass yourself first. This is one correct pool, not the only one: any pool that passes the checks is right.</p>${code}</details><p class="muted">In the terminal: <code>npm run solution -- ${esc(lesson.id)}</code>.</p>`,
          'part-solution',
        ),
      );
    }
  }

  if (lesson.quiz.length > 0) {
    const items = lesson.quiz
      .map((item: QuizItem, i) => renderQuizItem(partsOf(site, lesson, item, root), i, { id: quizAnchor(item) }))
      .join('');
    parts.push(
      section(
        'Quiz',
        `<div class="quiz" data-lesson="${esc(lesson.id)}"><div class="quiz-toolbar" hidden><span class="quiz-score" aria-live="polite"></span><button type="button" class="btn btn-small" data-quiz-reset>Reset my answers</button></div><ol class="quiz-list">${items}</ol></div>`,
        'part-quiz',
      ),
    );
    for (const item of lesson.quiz) {
      const parts = partsOf(site, lesson, item, root);
      search.push({ u: `${url}#${quizAnchor(item)}`, t: textOf(parts.question), k: 'question', l: lesson.title, x: item.options.map((o) => o.text).join(' ') });
    }
  }

  if (lesson.broken.length > 0) {
    const variants = () => lesson.broken
      .map((b) => {
        const caught = Array.isArray(b.caughtBy) ? b.caughtBy : [b.caughtBy];
        const code = fileBlocks(lesson, (f) => join(lesson.dir, 'broken', b.name, f), (f) => `lessons/${lesson.id}/broken/${b.name}/${f}`);
        return `<article class="broken">${sub(b.name, slugger.slug(`broken-${b.name}`))}<div class="broken-note">${renderMarkdown(b.note, { lesson, root, lessonIds: lessonIds(site) }).html}</div>
<p class="caught-by">Caught by ${caught.length > 1 ? 'any of the checks' : 'the check'} ${caught.map((c) => `<q>${esc(c)}</q>`).join(', ')}. Watch it fail:</p>
${command(`npm run check -- ${lesson.id} --broken ${b.name}`)}
${code ? `<details class="broken-code"><summary>The document's code, as runnable TypeScript</summary>${code}</details>` : ''}</article>`;
      })
      .join('');
    parts.push(section("The documents' broken code", () => `<p>Each of these pools comes from a source document. Every one fails a check of this lesson, and the command shows which.</p>${variants()}`, 'part-broken'));
  }

  if (lesson.experiments.length > 0) {
    const shown = new Set([...source.matchAll(/\{\{recorded:\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]));
    const items = () => lesson.experiments
      .map((file) => {
        const name = file.replace(/\.ts$/, '');
        const code = highlight(readFileSync(join(lesson.dir, 'experiments', file), 'utf8'), file, { title: `lessons/${lesson.id}/experiments/${file}` });
        const record = loadRecord(lesson, name);
        const result = shown.has(name)
          ? `<p class="muted">Its recorded run is shown <a href="#recorded-${esc(name)}">in the text above</a>${record ? ` (${esc(machineLine(record))})` : ''}.</p>${command(rerunCommand(lesson, name))}`
          : renderRecorded(lesson, name);
        return `<article class="experiment">${sub(name, slugger.slug(`experiment-${name}`))}${result}<details class="experiment-code"><summary>The experiment's code</summary>${code}</details></article>`;
      })
      .join('');
    parts.push(
      section(
        'Experiments',
        () => `<p>Every claim in this lesson comes from one of these scripts. Run them on your machine; your numbers will differ, the shapes should not.</p>${items()}`,
        'part-experiments',
      ),
    );
  }

  if (lesson.sources.length > 0) {
    parts.push(
      section(
        'Sources',
        `<ul class="sources">${lesson.sources.map((s) => `<li><strong>${esc(documentName(s.document))}</strong> <span class="muted">(<code>${esc(s.document)}</code>)</span>: ${esc(s.sections)}</li>`).join('')}</ul><p class="muted">The documents are the syllabus, not the truth: where this lesson disagrees with them, it shows the experiment that decides.</p>`,
        'part-sources',
      ),
    );
  }

  const prev = site.lessons[index - 1];
  const next = site.lessons[index + 1];
  const pager = `<nav class="pager" aria-label="Previous and next lesson">${prev ? `<a class="pager-prev" rel="prev" href="${prev.id}.html"><span>Previous</span><strong>${esc(prev.title)}</strong></a>` : '<span></span>'}${next ? `<a class="pager-next" rel="next" href="${next.id}.html"><span>Next</span><strong>${esc(next.title)}</strong></a>` : ''}</nav>`;
  const position = site.lessons.filter((l) => l.track === lesson.track).findIndex((l) => l.id === lesson.id) + 1;

  const body = `<article class="doc lesson" data-lesson="${esc(lesson.id)}">
<p class="eyebrow">${esc(trackTitle(site, lesson.track))} · Lesson ${position}</p>
<h1>${esc(lesson.title)}</h1>
<p class="lead">${renderInline(lesson.summary)}</p>
<div class="lesson-meta"><span class="status-badge" data-status-badge hidden></span>${lesson.files.length ? `<a href="#check-your-work" class="meta-link">Exercise: <code>exercises/${esc(lesson.id)}/</code></a>` : ''}${lesson.quiz.length ? `<a href="#quiz" class="meta-link">${lesson.quiz.length} question${lesson.quiz.length > 1 ? 's' : ''}</a>` : ''}<a href="../present/${esc(lesson.id)}.html" class="meta-link">Present this lesson</a></div>
<div class="lesson-text">${text.html}</div>
${parts.join('\n')}
</article>
${pager}`;

  return {
    page: {
      path: url,
      html: shell({ site, root, title: lesson.title, description: lesson.summary, page: 'lesson', bodyData: { lesson: lesson.id }, body, current: lesson.id, headings }),
    },
    search,
  };
}

// ---------------------------------------------------------------------------------------------
// Home

export function homePage(site: Site): Page {
  const root = '';
  const first = site.lessons[0];
  const questions = site.lessons.reduce((n, l) => n + l.quiz.length, 0);
  const tracks = site.tracks
    .map((track) => {
      const lessons = site.lessons.filter((l) => l.track === track.id);
      if (lessons.length === 0) return '';
      const cards = lessons
        .map((l) => {
          const facts = [
            l.files.length ? 'exercise' : '',
            l.quiz.length ? `${l.quiz.length} question${l.quiz.length > 1 ? 's' : ''}` : '',
            l.experiments.length ? `${l.experiments.length} experiment${l.experiments.length > 1 ? 's' : ''}` : '',
            l.broken.length ? `${l.broken.length} broken pool${l.broken.length > 1 ? 's' : ''}` : '',
          ].filter(Boolean);
          return `<li><a class="lesson-card" href="lessons/${l.id}.html" data-lesson="${esc(l.id)}"><span class="lesson-card-title">${esc(l.title)}<span class="status-dot" hidden></span></span><span class="lesson-card-summary">${renderInline(l.summary)}</span><span class="lesson-card-facts">${facts.map(esc).join(' · ')}</span></a></li>`;
        })
        .join('');
      return `<section class="track"><h2 id="track-${esc(track.id)}">${esc(track.title)}</h2><ul class="lesson-cards">${cards}</ul></section>`;
    })
    .join('');
  const body = `<div class="home">
<section class="hero">
<p class="eyebrow">Node.js worker threads and worker pools, in TypeScript</p>
<h1>Build a worker pool that is <span class="accent">actually correct</span></h1>
<p class="tagline">Five documents on worker pools are the syllabus, not the truth: their code was never run. Each lesson keeps a document's question and code, runs it, and teaches what the experiment shows, with checks that tell you when your own pool is right.</p>
<div class="hero-actions">${first ? `<a class="btn btn-brand" href="lessons/${first.id}.html">Start with ${esc(first.title)}</a>` : ''}<a class="btn" href="quiz.html">Quiz mode</a><a class="btn" href="present/index.html">Presenter view</a></div>
</section>
<section class="features">
<div class="feature"><h3>Self-study</h3><p>Read a lesson, edit <code>exercises/&lt;lesson&gt;/</code>, and let <code>npm start</code> re-run its checks on every save. Hints come one tier at a time.</p></div>
<div class="feature"><h3>Interview prep</h3><p><a href="quiz.html">Quiz mode</a> shuffles ${questions} question${questions === 1 ? '' : 's'}, optionally against the clock, and links every answer to the recorded run behind it.</p></div>
<div class="feature"><h3>Workshops</h3><p>The <a href="present/index.html">presenter view</a> shows one section or question at a time, keyboard driven. The <a href="answer-key.html">answer key</a> prints.</p></div>
</section>
<section class="getting-started"><h2>Getting started</h2>${command('npm install     # installs the tools and copies the exercises into exercises/')}${command('npm start       # work through the lessons: checks re-run every time you save')}${command('npm run serve   # this site, with your own check status')}</section>
<section id="lessons" class="tracks">${tracks}</section>
<div class="home-reset" hidden><button type="button" class="btn btn-small" data-quiz-reset-all>Reset all my quiz answers</button></div>
</div>`;
  return { path: 'index.html', html: shell({ site, root, title: siteTitle, description: 'Learn Node.js worker threads and worker pools by building them, with checks and experiments.', page: 'home', body, layout: 'wide' }) };
}

// ---------------------------------------------------------------------------------------------
// Quiz mode

export function quizModePage(site: Site): Page {
  const root = '';
  const items = allQuizParts(site, root);
  const counts = site.tracks.map((t) => ({ id: t.id, title: t.title, n: items.filter((i) => i.trackId === t.id).length })).filter((t) => t.n > 0);
  const data = items;
  const body = `<div class="quiz-mode" data-quiz-mode>
<header class="qm-header"><p class="eyebrow">Interview prep</p><h1>Quiz mode</h1><p class="lead">Every question of the workbook, shuffled. Each answer is explained and linked to the recorded run that backs it. Where a source document gives a different answer, you see both.</p></header>
<noscript><p class="notice">Quiz mode needs JavaScript. The <a href="answer-key.html">answer key</a> lists every question with its answer and evidence, and each lesson page has its questions with answers to unfold.</p></noscript>
<form class="qm-setup" hidden>
<fieldset><legend>Questions</legend>
<label class="choice"><input type="radio" name="track" value="" checked><span>All tracks <span class="muted">(${items.length})</span></span></label>
${counts.map((t) => `<label class="choice"><input type="radio" name="track" value="${esc(t.id)}"><span>${esc(t.title)} <span class="muted">(${t.n})</span></span></label>`).join('\n')}
</fieldset>
<fieldset><legend>Clock</legend>
<label class="choice"><input type="checkbox" name="timed"><span>Timed:</span></label>
<label class="inline-select"><select name="seconds" aria-label="Seconds per question"><option value="30">30</option><option value="60" selected>60</option><option value="90">90</option><option value="120">120</option></select> seconds per question</label>
</fieldset>
<button class="btn btn-brand" type="submit">Start</button>
</form>
<section class="qm-run" hidden aria-live="polite"></section>
<section class="qm-result" hidden></section>
</div>`;
  return { path: 'quiz.html', html: shell({ site, root, title: 'Quiz mode', page: 'quiz-mode', body, layout: 'wide', data }) };
}

// ---------------------------------------------------------------------------------------------
// Presenter view

const slidesMemo = new Map<string, string[]>();
function slidesOfText(site: Site, lesson: Lesson): string[] {
  const memo = slidesMemo.get(lesson.id);
  if (memo) return memo;
  const slides = renderSlides(site, lesson);
  slidesMemo.set(lesson.id, slides);
  return slides;
}

function renderSlides(site: Site, lesson: Lesson): string[] {
  const source = readme(lesson);
  if (!source) return [];
  const { html } = renderMarkdown(withoutTitle(source), { lesson, lessonIds: lessonIds(site), root: '../' });
  const chunks = html.split(/(?=<h2 id=)/);
  return chunks.filter((c) => textOf(c).length > 0).map((c) => `<section class="slide slide-section" data-kind="section">${c}</section>`);
}

function questionSlide(parts: QuizParts, index: number, total: number): string {
  return `<section class="slide slide-question" data-kind="question" data-track="${esc(parts.trackId)}" data-track-title="${esc(parts.track)}" data-answer="${esc(parts.answer)}"${parts.alsoRight.length ? ` data-also-right="${esc(parts.alsoRight.join(' '))}"` : ''}>
<p class="slide-eyebrow"><span class="slide-num">Question ${index + 1} of ${total}</span> · ${esc(parts.source)}</p>
<div class="slide-question-text">${parts.question}</div>
${parts.code}
<ol class="slide-options">${parts.options.map((o) => `<li data-option="${esc(o.key)}"><span class="opt-key">${esc(o.key)}</span><span>${o.html}</span></li>`).join('')}</ol>
<details class="slide-answer"><summary>Answer</summary>${parts.answerHtml}</details>
</section>`;
}

function presenterShell(site: Site, title: string, deck: string, slides: string[], exit: string): string {
  const body = `<div class="presenter" data-deck="${esc(deck)}">
<div class="slides">${slides.join('\n')}</div>
<nav class="presenter-bar" aria-label="Presenter controls">
<a class="btn btn-small" href="${esc(exit)}">Exit</a>
<button type="button" class="btn btn-small" data-prev aria-label="Previous slide" hidden>←</button>
<span class="presenter-counter" aria-live="polite" hidden></span>
<button type="button" class="btn btn-small" data-next aria-label="Next slide" hidden>→</button>
<button type="button" class="btn btn-small" data-reveal hidden>Reveal</button>
<button type="button" class="btn btn-small" data-fullscreen hidden>Full screen</button>
<span class="presenter-help" hidden><kbd>←</kbd> <kbd>→</kbd> move · <kbd>↑</kbd> <kbd>↓</kbd> scroll · <kbd>Enter</kbd> reveal · <kbd>F</kbd> full screen</span>
</nav>
</div>`;
  return shell({ site, root: '../', title, page: 'present', body, layout: 'bare' });
}

export function presenterPages(site: Site): Page[] {
  const pages: Page[] = [];
  for (const lesson of site.lessons) {
    const items = lesson.quiz.map((item) => partsOf(site, lesson, item, '../'));
    const slides = [
      `<section class="slide slide-title" data-kind="title"><p class="slide-eyebrow">${esc(trackTitle(site, lesson.track))}</p><h1>${esc(lesson.title)}</h1><p class="lead">${renderInline(lesson.summary)}</p></section>`,
      ...slidesOfText(site, lesson),
      ...items.map((p, i) => questionSlide(p, i, items.length)),
    ];
    pages.push({ path: `present/${lesson.id}.html`, html: presenterShell(site, `Present: ${lesson.title}`, lesson.id, slides, `../lessons/${lesson.id}.html`) });
  }
  const all = allQuizParts(site, '../');
  const questionSlides = [
    `<section class="slide slide-title" data-kind="title"><p class="slide-eyebrow">${esc(siteTitle)}</p><h1 class="deck-title">Interview questions</h1><p class="lead"><span class="deck-count">${all.length}</span> questions, each answered by a recorded experiment.</p></section>`,
    ...all.map((p, i) => questionSlide(p, i, all.length)),
  ];
  pages.push({ path: 'present/questions.html', html: presenterShell(site, 'Present: interview questions', 'questions', questionSlides, 'index.html') });

  const decks = site.lessons
    .map((l) => `<li><a href="${l.id}.html"><strong>${esc(l.title)}</strong></a> <span class="muted">${esc(trackTitle(site, l.track))} · ${slidesOfText(site, l).length} section${slidesOfText(site, l).length === 1 ? '' : 's'}${l.quiz.length ? `, ${l.quiz.length} question${l.quiz.length === 1 ? '' : 's'}` : ''}</span></li>`)
    .join('');
  const body = `<article class="doc">
<p class="eyebrow">Workshops</p><h1>Presenter view</h1>
<p class="lead">One section or one question at a time, full screen, in large type. <kbd>→</kbd> or <kbd>Space</kbd> moves on, <kbd>←</kbd> goes back, <kbd>↑</kbd> and <kbd>↓</kbd> scroll a long slide (<kbd>Page Down</kbd> scrolls a page, then moves on), <kbd>Enter</kbd> reveals an answer, <kbd>F</kbd> toggles full screen.</p>
<h2 id="questions">Questions</h2>
<ul class="deck-list"><li><a href="questions.html"><strong>All questions</strong></a> <span class="muted">${all.length} questions</span></li>
${site.tracks
  .filter((t) => all.some((q) => q.trackId === t.id))
  .map((t) => `<li><a href="questions.html?track=${encodeURIComponent(t.id)}"><strong>${esc(t.title)}</strong></a> <span class="muted">${all.filter((q) => q.trackId === t.id).length} questions</span></li>`)
  .join('')}</ul>
<h2 id="lessons">Lessons</h2>
<ul class="deck-list">${decks}</ul>
<h2 id="answer-key">Answer key</h2>
<p>The <a href="../answer-key.html">answer key</a> lists every answer with its evidence, laid out for printing.</p>
</article>`;
  pages.push({ path: 'present/index.html', html: shell({ site, root: '../', title: 'Presenter view', page: 'present-index', body, layout: 'wide' }) });
  return pages;
}

// ---------------------------------------------------------------------------------------------
// Answer key

export function answerKeyPage(site: Site): Page {
  const root = '';
  const groups = site.tracks
    .map((track) => {
      const lessons = site.lessons.filter((l) => l.track === track.id && l.quiz.length > 0);
      if (lessons.length === 0) return '';
      return `<section class="key-track"><h2 id="key-${esc(track.id)}">${esc(track.title)}</h2>${lessons
        .map(
          (lesson) =>
            `<section class="key-lesson"><h3><a href="lessons/${lesson.id}.html">${esc(lesson.title)}</a></h3><ol class="key-items">${lesson.quiz
              .map((item) => {
                const p = partsOf(site, lesson, item, root);
                const right = rightKeys(p);
                const documentWrong = (key: string) => key === p.documentAnswer && !right.includes(key);
                const claims = item.evidence
                  .map((name) => {
                    const r = loadRecord(lesson, name);
                    if (!r) return `<li><code>${esc(name)}</code>: not recorded yet</li>`;
                    return `<li><code>${esc(name)}</code> <span class="muted">(${esc(machineLine(r))})</span><ul>${(r.claims ?? []).map((c) => `<li class="${c.checked === false ? 'claim-unchecked' : c.holds ? 'claim-holds' : 'claim-fails'}">${c.checked === false ? '–' : c.holds ? '✓' : '✗'} ${esc(c.claim)}${c.checked === false ? ' <span class="muted">(not tested: busy machine)</span>' : ''} <span class="muted">— ${esc(c.evidence)}</span></li>`).join('')}</ul></li>`;
                  })
                  .join('');
                return `<li class="key-item"><p class="key-question">${p.question} <span class="muted">(${esc(p.source)})</span></p>
<ul class="key-options">${p.options.map((o) => `<li class="${right.includes(o.key) ? 'is-answer' : ''}${documentWrong(o.key) ? ' is-document' : ''}"><span class="opt-key">${esc(o.key)}</span><span class="opt-text">${o.html}${o.key === p.answer ? ' <strong class="key-mark">answer</strong>' : p.alsoRight.includes(o.key) ? ' <strong class="key-mark key-mark-also">true as well</strong>' : ''}${documentWrong(o.key) ? ' <strong class="key-mark key-mark-doc">the document says</strong>' : ''}</span></li>`).join('')}</ul>
${p.corrects && item.correction ? `<div class="correction">${renderMarkdown(item.correction).html}</div>` : ''}
<div class="explanation">${renderMarkdown(item.explanation).html}</div>
${claims ? `<div class="key-evidence"><span class="evidence-label">Evidence</span><ul>${claims}</ul></div>` : ''}</li>`;
              })
              .join('')}</ol></section>`,
        )
        .join('')}</section>`;
    })
    .join('');
  const total = site.lessons.reduce((n, l) => n + l.quiz.length, 0);
  const body = `<article class="doc answer-key">
<p class="eyebrow">Workshops</p><h1>Answer key</h1>
<p class="lead">All ${total} questions with their answers, where the source documents disagree, and the recorded runs that decide. Laid out for printing.</p>
<p class="no-print"><button type="button" class="btn btn-small" data-print hidden>Print the answer key</button></p>
${groups || '<p>No lesson has quiz questions yet.</p>'}
</article>`;
  return { path: 'answer-key.html', html: shell({ site, root, title: 'Answer key', page: 'answer-key', body, layout: 'wide' }) };
}
