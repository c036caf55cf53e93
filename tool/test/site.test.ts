// The lesson site, in a real browser: builds it, serves it on 127.0.0.1 and drives Debian's
// Chromium through playwright-core. Screenshots go to test-artifacts/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initHighlighter } from '../../site/build/highlight.ts';
import { shell, siteTitle, type Assets, type Site } from '../../site/build/layout.ts';
import { answerKeyPage, lessonPage, presenterPages, quizModePage } from '../../site/build/pages.ts';
import { quizParts, type QuizEntry } from '../../site/build/quiz.ts';
import { renderRecorded } from '../../site/build/recorded.ts';
import { parseTimeline, renderTimeline, timelinesOf } from '../../site/build/timeline.ts';
import { runExperiment } from '../experiments/run.ts';
import { allLessons, projectRoot, tracks, type Lesson } from '../lessons.ts';
import { serve, type Running } from '../site/server.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const artifacts = join(projectRoot, 'test-artifacts');
// Lessons appear while others work: the tests use the lessons the build rendered (set in beforeAll).
let lessons: Lesson[] = [];

if (!haveChromium && process.env.CI) {
  test('Chromium is installed (required under CI)', () => {
    throw new Error(`${chromiumPath} is missing: .ci/run installs it with apt-get install -y chromium.`);
  });
}

test('a run recorded on another Node major is shown folded under the main record, with how many of its claims held', async () => {
  await initHighlighter();
  const dir = mkdtempSync(join(tmpdir(), 'workbook-records-'));
  const run = (node: string, holds: boolean[]) => ({
    experiment: 'demo',
    command: 'npm run experiment -- demo demo',
    recordedAt: '2026-11-22T12:00:00.000Z',
    machine: { node, cores: 2, cpu: 'test CPU', platform: 'linux-x64' },
    quick: false,
    claims: holds.map((h, i) => ({ claim: `claim ${i + 1}`, holds: h, evidence: '', checked: true })),
    output: `What does demo show?\nNode ${node}, 2 cores (test CPU)\n\n  on ${node}\n`,
  });
  try {
    mkdirSync(join(dir, 'recorded'));
    writeFileSync(join(dir, 'recorded', 'demo.json'), JSON.stringify(run('v20.20.2', [true, true])));
    writeFileSync(join(dir, 'recorded', 'demo.node24.json'), JSON.stringify(run('v24.1.0', [true, false])));
    writeFileSync(join(dir, 'recorded', 'demo-other.node22.json'), JSON.stringify(run('v22.1.0', [true])));
    const lesson = { id: 'demo', dir, title: 'Demo', track: '', order: 0, summary: '', sources: [], files: [], broken: [], hints: [], quiz: [], experiments: ['demo.ts'], checkFiles: [] } satisfies Lesson;
    const block = renderRecorded(lesson, 'demo', { id: 'recorded-demo' });
    const main = block.indexOf('on v20.20.2');
    const other = block.indexOf('<details class="recorded-other">');
    expect(main, 'the main record').toBeGreaterThan(-1);
    expect(other, 'the Node 24 record comes after the main one, folded').toBeGreaterThan(main);
    expect(block).toContain('recorded on Node v24.1.0: 1 of 2 claims held');
    expect(block.slice(other)).toContain('on v24.1.0');
    expect(block, 'another experiment\'s record is not shown').not.toContain('v22.1.0');
    expect(block.match(/id="[^"]*"/g)!.length, 'ids stay unique').toBe(new Set(block.match(/id="[^"]*"/g)).size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a question\'s code is labelled by what it is: its file\'s extension, else TypeScript only if it uses TypeScript\'s syntax, or its codeLang', async () => {
  await initHighlighter();
  const dir = mkdtempSync(join(tmpdir(), 'workbook-code-label-'));
  try {
    writeFileSync(join(dir, 'program.mjs'), "import { Worker } from 'node:worker_threads';\n");
    writeFileSync(join(dir, 'pool.ts'), 'export const size: number = 2;\n');
    const lesson = { id: 'labels', dir, title: 'Labels', track: '', order: 0, summary: '', sources: [], files: [], broken: [], hints: [], quiz: [], experiments: [], checkFiles: [] } satisfies Lesson;
    const labelOf = (fields: Partial<QuizEntry>) => {
      const item: QuizEntry = { id: 'q', source: 'workbook', question: 'Q?', options: [{ key: 'A', text: 'a' }], answer: 'A', explanation: 'E.', evidence: [], ...fields };
      return /<span class="code-lang[^"]*">([^<]*)<\/span>/.exec(quizParts(lesson, item, 'Track', '').code)?.[1];
    };
    const commonJs = "const { Worker } = require('worker_threads');\nfunction runWorker(data) {\n  return new Promise((resolve, reject) => {\n    const worker = new Worker('./worker.js', { workerData: data });\n    worker.on('error', reject);\n  });\n}";
    expect(labelOf({ code: commonJs }), 'CommonJS JavaScript (document 003, Q46)').toBe('js');
    expect(labelOf({ code: 'function run(task: Task): Promise<number> {\n  return pool.run(task);\n}' }), 'inline TypeScript').toBe('ts');
    expect(labelOf({ code: 'interface Task {\n  id: string;\n}' }), 'an interface').toBe('ts');
    expect(labelOf({ code: commonJs, codeLang: 'ts' }), 'codeLang decides').toBe('ts');
    expect(labelOf({ codeFile: 'program.mjs' }), 'a .mjs file').toBe('js');
    expect(labelOf({ codeFile: 'pool.ts' }), 'a .ts file').toBe('ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.skipIf(!haveChromium)(`the site in Chromium${haveChromium ? '' : ` (skipped: ${chromiumPath} is missing; install it with apt-get install -y chromium)`}`, () => {
  let outDir: string;
  let live: Running;
  let staticHost: Running;
  let context: BrowserContext;
  let userDataDir: string;
  let progressDir: string;
  const problems = new Map<Page, string[]>();

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    const seen: string[] = [];
    problems.set(page, seen);
    page.on('console', (m) => {
      if (m.type() === 'error') seen.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(url);
    return page;
  }
  const errorsOf = (page: Page) => problems.get(page) ?? [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'workbook-site-test-'));
    const build = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'site/build/build.ts'), '--out', outDir], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    build.stdout.on('data', (d: Buffer) => (output += d));
    build.stderr.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((r) => build.once('close', r));
    if (code !== 0) throw new Error(`npm run build failed:\n${output}`);
    const built = new Set(readdirSync(join(outDir, 'lessons')).map((f) => f.replace(/\.html$/, '')));
    lessons = allLessons().filter((l) => built.has(l.id));
    expect(lessons.length, 'lessons rendered').toBe(built.size);

    // The learner's progress, as tool/progress.ts writes it: the first lesson passes, the second fails.
    progressDir = mkdtempSync(join(tmpdir(), 'workbook-site-progress-'));
    const [first, second] = lessons.filter((l) => l.files.length > 0);
    writeFileSync(
      join(progressDir, 'progress.json'),
      JSON.stringify({
        lessons: {
          ...(first && { [first.id]: { passedAt: '2026-01-02T03:04:05.000Z', lastRun: { passed: 5, total: 5, at: '2026-01-02T03:04:05.000Z' } } }),
          ...(second && { [second.id]: { lastRun: { passed: 2, total: 6, at: '2026-01-02T03:04:05.000Z' } } }),
        },
      }),
    );
    live = await serve({ dir: outDir, status: { progressFile: join(progressDir, 'progress.json'), lessonIds: () => lessons.map((l) => l.id) } });
    // A static host, under a base path: every link in the site is relative.
    staticHost = await serve({ dir: outDir, base: '/some/course/' });
    userDataDir = mkdtempSync(join(tmpdir(), 'workbook-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 860 },
      colorScheme: 'light',
    });
    mkdirSync(artifacts, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await live?.close();
    await staticHost?.close();
    for (const dir of [outDir, userDataDir, progressDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every lesson page opens with no console errors, its title, and highlighted code', async () => {
    expect(lessons.length).toBeGreaterThan(0);
    const page = await open(live.url + 'index.html');
    for (const lesson of lessons) {
      await page.goto(`${live.url}lessons/${lesson.id}.html`);
      await expect.poll(() => page.locator('h1').first().textContent(), { message: `title of ${lesson.id}` }).toBe(lesson.title);
      if (lesson.files.length > 0) {
        expect(await page.locator('.part-exercise').textContent(), 'the exercise path and the check command').toContain(`npm run check -- ${lesson.id}`);
        expect(await page.locator('pre.shiki span[class^="t"]').count(), `highlighted tokens on ${lesson.id}`).toBeGreaterThan(0);
      }
      // Every link within the page lands on something.
      const broken = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLAnchorElement>('a[href*="#"]')]
          .filter((a) => a.pathname === location.pathname && a.hash.length > 1 && !document.getElementById(decodeURIComponent(a.hash.slice(1))))
          .map((a) => a.getAttribute('href')),
      );
      expect(broken, `links to missing anchors on ${lesson.id}`).toEqual([]);
      // Every page links to every lesson in the sidebar.
      expect(await page.locator('.sidebar a[data-lesson]').count()).toBe(lessons.length);
    }
    for (const path of ['index.html', 'quiz.html', 'answer-key.html', 'present/index.html', 'present/questions.html']) await page.goto(live.url + path);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('a lesson page: outline, prev/next, copy buttons, hints one tier at a time, solution behind a reveal', async () => {
    const lesson = lessons.find((l) => l.hints.length >= 2 && l.files.length > 0) ?? lessons[0]!;
    const page = await open(`${live.url}lessons/${lesson.id}.html`);
    await expect.poll(() => page.locator('[data-status-badge]').isVisible()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'lesson.png') });
    expect(await page.locator('.outline-nav a').count(), 'outline entries').toBeGreaterThan(2);
    expect(await page.locator('.code .copy').count(), 'copy buttons').toBeGreaterThan(0);
    const index = lessons.indexOf(lesson);
    if (lessons[index + 1]) expect(await page.locator('.pager-next').getAttribute('href')).toBe(`${lessons[index + 1]!.id}.html`);
    // Hints: only the first tier shows; opening it shows the second.
    const tiers = page.locator('details.hint');
    await expect.poll(() => tiers.nth(1).isVisible()).toBe(false);
    await tiers.nth(0).locator('summary').click();
    await expect.poll(() => tiers.nth(1).isVisible()).toBe(true);
    // The solution stays closed until asked for.
    const solution = page.locator('details.solution');
    if ((await solution.count()) > 0) {
      expect(await solution.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await solution.locator('summary').click();
      expect(await solution.locator('pre.shiki').first().isVisible()).toBe(true);
    }
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('the learner’s check status shows when served by npm run serve, and nothing on a static host', async () => {
    const [first, second] = lessons.filter((l) => l.files.length > 0);
    if (!first) return;
    const page = await open(`${live.url}lessons/${first.id}.html`);
    const badge = page.locator('[data-status-badge]');
    await expect.poll(() => badge.textContent()).toBe('Your checks pass');
    if (second) {
      await page.goto(`${live.url}lessons/${second.id}.html`);
      await expect.poll(() => page.locator('[data-status-badge]').textContent()).toBe('2 of 6 checks pass');
      expect(await page.locator(`.sidebar a[data-lesson="${first.id}"] .status-dot.dot-pass`).count()).toBe(1);
    }
    await page.goto(`${staticHost.url}lessons/${first.id}.html`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('[data-status-badge]').isVisible()).toBe(false);
    expect(await page.locator('.status-dot:visible').count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('a quiz answer shows right or wrong and its explanation, survives a reload, and a reset clears it', async () => {
    const lesson = lessons.find((l) => l.quiz.length > 0);
    if (!lesson) return;
    const item = lesson.quiz[0]!;
    const wrong = item.options.find((o) => o.key !== item.answer)!;
    const page = await open(`${live.url}lessons/${lesson.id}.html`);
    const card = page.locator(`#quiz-${item.id}`);
    expect(await card.locator('.quiz-answer').isVisible(), 'the answer is hidden before choosing').toBe(false);
    await card.locator(`button[data-option="${wrong.key}"]`).click();
    await expect.poll(() => card.locator('.quiz-verdict').textContent()).toContain(`the answer is ${item.answer}`);
    expect(await card.locator('.quiz-answer-body .explanation').isVisible()).toBe(true);
    if (item.evidence.length > 0) expect(await card.locator('.evidence a').count()).toBe(item.evidence.length);
    await page.reload();
    await expect.poll(() => card.locator('.quiz-verdict').textContent(), { message: 'the answer after a reload' }).toContain(`the answer is ${item.answer}`);
    expect(await card.locator(`button[data-option="${wrong.key}"]`).getAttribute('class')).toContain('is-wrong');
    await page.locator('[data-quiz-reset]').first().click(); // the confirmation is accepted
    await expect.poll(() => card.locator('.quiz-verdict').isVisible()).toBe(false);
    await page.reload();
    expect(await card.locator('.quiz-verdict').isVisible()).toBe(false);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('quiz mode runs to its score and reviews the missed questions', async () => {
    const page = await open(live.url + 'quiz.html');
    const total = await page.evaluate(() => (JSON.parse(document.getElementById('page-data')!.textContent!) as unknown[]).length);
    if (total === 0) return;
    await page.locator('input[name=timed]').check();
    await page.locator('.qm-setup button[type=submit]').click();
    expect(await page.locator('.qm-timer').isVisible(), 'the clock of a timed quiz').toBe(true);
    let right = 0;
    for (let i = 0; i < total; i++) {
      await expect.poll(() => page.locator('.qm-count').textContent()).toBe(`Question ${i + 1} of ${total}`);
      // Always the first option: some right, some wrong.
      await page.locator('.quiz-option button').first().click();
      await expect.poll(() => page.locator('.qm-feedback').isVisible()).toBe(true);
      if ((await page.locator('.qm-feedback .verdict-right').count()) > 0) right++;
      if (i === 0) {
        await page.evaluate(() => scrollTo(0, 0));
        await page.screenshot({ path: join(artifacts, 'quiz-mode.png') });
      }
      await page.keyboard.press('Enter'); // focus is on "Next question"
    }
    await expect.poll(() => page.locator('.qm-final').getAttribute('data-score')).toBe(`${right}/${total}`);
    expect(await page.locator('.qm-review-item').count(), 'missed questions to review').toBe(total - right);
    await page.screenshot({ path: join(artifacts, 'quiz-mode-score.png') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('on a phone (360 px wide) no page scrolls sideways, and the menu opens the lessons and quiz mode', async () => {
    const page = await open(live.url + 'index.html');
    await page.setViewportSize({ width: 360, height: 780 });
    const paths = ['index.html', 'quiz.html', 'answer-key.html', 'present/index.html', 'present/questions.html', ...lessons.map((l) => `lessons/${l.id}.html`)];
    const wide: string[] = [];
    for (const path of paths) {
      await page.goto(live.url + path);
      // Code and tables may scroll inside their own boxes; the page itself must not, with every
      // hint, solution and folded part open and every hidden tier shown.
      const width = await page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
        for (const e of document.querySelectorAll<HTMLElement>('main [hidden]')) e.hidden = false;
        return document.documentElement.scrollWidth;
      });
      if (width > 360) wide.push(`${path}: ${width} px`);
    }
    await page.goto(`${live.url}lessons/${lessons[0]!.id}.html`);
    await page.locator('.search-box input').fill('transfer');
    await expect.poll(() => page.locator('.search-results').isVisible()).toBe(true);
    const searching = await page.evaluate(() => document.documentElement.scrollWidth);
    if (searching > 360) wide.push(`search results open: ${searching} px`);
    expect(wide, 'pages wider than the phone').toEqual([]);
    // The presenter's bar is fixed to the screen: what does not fit is cut off rather than scrolled to.
    await page.goto(live.url + 'present/questions.html');
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('.presenter-bar > *')].filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > innerWidth).map((e) => e.textContent),
    );
    expect(cut, 'presenter controls cut off at the right edge').toEqual([]);
    await page.goto(`${live.url}lessons/${lessons[0]!.id}.html`);
    expect(await page.locator('.sidebar').isVisible(), 'the sidebar before the menu is opened').toBe(false);
    await page.locator('.menu-button').click();
    await page.getByRole('link', { name: 'Quiz mode' }).last().click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Quiz mode');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('a timed question whose time runs out counts as missed, says so, and is reviewed as unanswered', async () => {
    const page = await open(live.url + 'quiz.html?timed=30');
    // The page's clock is under the test's control: 31 s pass without waiting for them.
    await page.clock.install();
    await page.reload();
    await page.locator('.qm-setup button[type=submit]').click();
    await expect.poll(() => page.locator('.qm-timer').textContent()).toBe('0:30');
    await page.clock.runFor(31_000);
    await expect.poll(() => page.locator('.qm-feedback .quiz-verdict').textContent()).toMatch(/^Time is up\. The answer is /);
    expect(await page.locator('.quiz-option button:enabled').count(), 'options still open after the time ran out').toBe(0);
    await page.locator('[data-quit]').click();
    await expect.poll(() => page.locator('.qm-review-item .qm-yours').first().textContent()).toBe('No answer in time.');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('presenter view steps through sections and questions with the keyboard and reveals answers', async () => {
    const lesson = lessons.find((l) => l.quiz.length > 0 && existsSync(join(l.dir, 'README.md'))) ?? lessons.find((l) => l.quiz.length > 0);
    if (!lesson) return;
    const page = await open(`${live.url}present/${lesson.id}.html`);
    const counter = page.locator('.presenter-counter');
    const total = await page.locator('.slide').count();
    await expect.poll(() => counter.textContent()).toBe(`1 / ${total}`);
    expect(await page.locator('.slide:visible').count(), 'one slide at a time').toBe(1);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => counter.textContent()).toBe(`${Math.min(3, total)} / ${total}`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => counter.textContent()).toBe(`${Math.min(2, total)} / ${total}`);
    await page.keyboard.press('End'); // the last slide is the lesson's last question
    const current = page.locator('.slide.is-current');
    expect(await current.getAttribute('data-kind')).toBe('question');
    expect(await current.locator('.slide-answer').isVisible()).toBe(false);
    await page.keyboard.press('Enter');
    await expect.poll(() => current.locator('.slide-answer').isVisible()).toBe(true);
    expect(await current.locator('.slide-options li.is-right').getAttribute('data-option')).toBe(lesson.quiz.at(-1)!.answer);
    await page.screenshot({ path: join(artifacts, 'presenter.png') });
    // One track's deck of questions says which track, and how many questions it holds.
    const track = tracks().find((t) => t.id === lesson.track)!;
    await page.goto(`${live.url}present/questions.html?track=${track.id}`);
    const trackQuestions = lessons.filter((l) => l.track === track.id).reduce((n, l) => n + l.quiz.length, 0);
    await expect.poll(() => page.locator('.deck-title').textContent()).toBe(`Interview questions: ${track.title}`);
    expect(await page.locator('.deck-count').textContent()).toBe(String(trackQuestions));
    // The answer key lists every question with its answer.
    await page.goto(live.url + 'answer-key.html');
    expect(await page.locator('.key-item').count()).toBeGreaterThanOrEqual(lesson.quiz.length);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('search (on the static host, under a base path) finds a word that appears in exactly one lesson, and leads to it', async () => {
    const index = JSON.parse(readFileSync(join(outDir, 'search-index.json'), 'utf8')) as { u: string; t: string; x: string }[];
    const textByLesson = new Map<string, string>();
    for (const e of index) {
      const page = e.u.split('#')[0]!;
      textByLesson.set(page, `${textByLesson.get(page) ?? ''} ${e.t} ${e.x}`.toLowerCase());
    }
    let word: string | undefined;
    let target: string | undefined;
    for (const [page, text] of textByLesson) {
      const candidates = [...new Set(text.match(/\b[a-z]{8,}\b/g) ?? [])].sort();
      word = candidates.find((w) => [...textByLesson.values()].filter((t) => t.includes(w)).length === 1);
      if (word) {
        target = page;
        break;
      }
    }
    expect(word, 'a word found in exactly one lesson').toBeDefined();
    const page = await open(staticHost.url + 'index.html');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.topbar')!).position), 'the stylesheet loads under the base path').toBe('sticky');
    await page.keyboard.press('/');
    await page.keyboard.type(word!);
    const results = page.locator('.search-result');
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    const hrefs = await results.evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(new Set(hrefs), `every result for "${word}" is in ${target}`).toEqual(new Set([`/some/course/${target}`]));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/some/course/${target}`);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('the theme switches, is remembered, and recolours the code', async () => {
    const lesson = lessons.find((l) => l.files.length > 0) ?? lessons[0]!;
    const page = await open(`${live.url}lessons/${lesson.id}.html`);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const colours = () =>
      page.evaluate(() => {
        const pre = [...document.querySelectorAll('pre.shiki')].sort((a, b) => b.querySelectorAll('span').length - a.querySelectorAll('span').length)[0]!;
        const tokens = [...pre.querySelectorAll('span.line > span')].map((s) => getComputedStyle(s).color);
        return { background: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(pre).color, tokens: [...new Set(tokens)] };
      });
    expect(await theme(), 'the default follows prefers-color-scheme').toBe('light');
    const light = await colours();
    expect(light.tokens.length, 'distinct token colours in the light theme').toBeGreaterThan(2);
    await page.locator('.theme-toggle').click();
    expect(await theme()).toBe('dark');
    const dark = await colours();
    expect(dark.background, 'page background').not.toBe(light.background);
    expect(dark.text, 'code colour').not.toBe(light.text);
    expect(dark.tokens.length, 'distinct token colours in the dark theme').toBeGreaterThan(2);
    expect(dark.tokens.filter((c) => light.tokens.includes(c)).length, 'token colours shared by both themes').toBeLessThan(dark.tokens.length);
    await page.reload();
    expect(await theme(), 'after a reload').toBe('dark');
    await page.screenshot({ path: join(artifacts, 'lesson-dark.png') });
    await page.locator('.theme-toggle').click();
    expect(await theme()).toBe('light');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('with JavaScript off, a lesson still reads: text, code, and answers to unfold', async () => {
    const lesson = lessons.find((l) => l.quiz.length > 0) ?? lessons[0]!;
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`${staticHost.url}lessons/${lesson.id}.html`);
    expect(await page.locator('h1').textContent()).toBe(lesson.title);
    expect(await page.locator('.sidebar a[data-lesson]').count()).toBe(lessons.length);
    if (lesson.quiz.length > 0) {
      const answer = page.locator('.quiz-answer').first();
      expect(await answer.locator('summary').isVisible()).toBe(true);
      await answer.locator('summary').click();
      expect(await answer.locator('.explanation').isVisible()).toBe(true);
    }
    expect(await page.locator('[data-search]').isVisible(), 'search needs JavaScript and hides without it').toBe(false);
    await page.close();
  });

  test('a recorded timeline is drawn as SVG: a row per worker, a bar per task, the crash and the replacement marked', async () => {
    // No lesson records a timeline yet: a tiny experiment in tool/site/fixtures/ does, for real.
    const dir = join(projectRoot, 'tool/site/fixtures/timeline-demo');
    await initHighlighter();
    const fixture = { id: 'timeline-demo', dir, title: 'Timeline fixture', track: '', order: 0, summary: '', sources: [], files: [], broken: [], hints: [], quiz: [], experiments: ['pool-with-crash.ts'], checkFiles: [] } satisfies Lesson;
    const run = await runExperiment(fixture, 'pool-with-crash.ts', { quick: true, timeLimitSeconds: 60 });
    expect(run.exitCode, run.output).toBe(0);
    const record = { experiment: 'pool-with-crash', command: 'tool/site/fixtures/timeline-demo/experiments/pool-with-crash.ts', recordedAt: new Date().toISOString(), ...(run.record as object), output: run.output };
    const [found] = timelinesOf(record as Parameters<typeof timelinesOf>[0]);
    expect(found, 'the timeline in the recorded measurements').toBeDefined();
    const timeline = found!.timeline;
    expect(parseTimeline(JSON.stringify(timeline.tasks))?.tasks.length, 'a bare array of tasks is a timeline too').toBe(8);

    // The block a lesson's {{recorded: ...}} would show, on a page styled like the site's.
    const recordedAt = mkdtempSync(join(tmpdir(), 'workbook-timeline-'));
    mkdirSync(join(recordedAt, 'recorded'));
    writeFileSync(join(recordedAt, 'recorded', 'pool-with-crash.json'), JSON.stringify(record));
    let block: string;
    try {
      block = renderRecorded({ ...fixture, dir: recordedAt }, 'pool-with-crash', { id: 'recorded-pool-with-crash' });
    } finally {
      rmSync(recordedAt, { recursive: true, force: true });
    }
    expect(block).not.toContain('"caption"'); // the timeline's JSON is drawn, not printed
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
    const entry = Object.values(manifest).find((c) => c.isEntry)!;
    const assets: Assets = { js: [entry.file], css: entry.css ?? [] };
    const html = shell({
      site: { title: siteTitle, lessons, tracks: tracks(), assets, codeCss: '' },
      root: '',
      title: 'Timeline fixture',
      page: 'fixture',
      layout: 'wide',
      body: `<article class="doc"><h1>Timeline fixture</h1>${block}${renderTimeline(timeline, { title: 'The same run, drawn alone' })}</article>`,
    });
    writeFileSync(join(outDir, 'timeline-fixture.html'), html);

    const page = await open(live.url + 'timeline-fixture.html');
    const svg = page.locator('.recorded svg.timeline-svg');
    expect(await svg.isVisible()).toBe(true);
    const workerRows = await svg.locator('text.tl-label').allTextContents();
    expect(workerRows.filter((t) => t.startsWith('worker')), 'one row per worker').toEqual(['worker w1', 'worker w2', 'worker w3']);
    expect(await svg.locator('g.tl-task').count(), 'one bar per task').toBe(8);
    expect(await svg.locator('g.tl-task.tl-crash').count(), 'the crashed task').toBe(1);
    expect(await svg.locator('g.tl-cross').count(), 'the crash marked').toBe(1);
    expect(await svg.locator('g.tl-replace').count(), 'the replacement marked').toBe(1);
    expect(await svg.locator('path.tl-queue').count(), 'the queue drawn').toBe(1);
    await page.locator('.recorded').first().screenshot({ path: join(artifacts, 'timeline.png') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  /** A site of the given lessons, with the client script and styles of the build. */
  function siteOf(siteLessons: Lesson[]): Site {
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
    const entry = Object.values(manifest).find((c) => c.isEntry)!;
    return { title: siteTitle, lessons: siteLessons, tracks: tracks(), assets: { js: [entry.file], css: entry.css ?? [] }, codeCss: '' };
  }

  test('an item with more than one right option (alsoRight) counts either as right everywhere it is answered or shown', async () => {
    // A temporary lesson with one such item, rendered by the site's own page builders.
    await initHighlighter();
    const item: QuizEntry = {
      id: 'mechanism',
      source: 'workbook',
      question: "runWorker() attaches reject as the worker's 'error' listener. The worker throws on its first line. What happens?",
      code: "worker.on('message', resolve);\nworker.on('error', reject);",
      options: [
        { key: 'A', text: "The error is caught by the 'error' listener" },
        { key: 'B', text: 'The main thread crashes' },
        { key: 'C', text: 'The promise rejects' },
        { key: 'D', text: 'The worker hangs' },
      ],
      answer: 'A',
      alsoRight: ['C'],
      documentAnswer: 'B',
      explanation: 'The listener is reject: A is the mechanism, C its consequence.',
      correction: 'The document says B.',
      evidence: [],
    };
    const dir = mkdtempSync(join(tmpdir(), 'workbook-also-right-'));
    const lesson = { id: 'also-right-demo', dir, title: 'Also right', track: tracks()[0]!.id, order: 0, summary: 'Two right options.', sources: [], files: [], broken: [], hints: [], quiz: [item], experiments: [], checkFiles: [] } satisfies Lesson;
    const site = siteOf([lesson]);
    mkdirSync(join(outDir, 'fixture'), { recursive: true });
    try {
      writeFileSync(join(outDir, 'fixture', 'lesson.html'), lessonPage(site, lesson, 0).page.html);
      writeFileSync(join(outDir, 'fixture', 'present.html'), presenterPages(site).find((p) => p.path === `present/${lesson.id}.html`)!.html);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    writeFileSync(join(outDir, 'fixture-quiz.html'), quizModePage(site).html);
    writeFileSync(join(outDir, 'fixture-answer-key.html'), answerKeyPage(site).html);
    const rightOptions = (scope: ReturnType<Page['locator']>, selector: string) => scope.locator(selector).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.option));

    // The lesson page: C is right, with the answer we give named; B is wrong, with both right ones named.
    const page = await open(`${live.url}fixture/lesson.html`);
    const card = page.locator('#quiz-mechanism');
    await card.locator('button[data-option="C"]').click();
    await expect.poll(() => card.locator('.quiz-verdict').textContent()).toContain('Right. A is the answer we give; C is true as well.');
    expect(await card.getAttribute('class')).toContain('is-right');
    expect(await rightOptions(card, 'button.is-right'), 'both right options marked').toEqual(['A', 'C']);
    expect(await card.locator('button.is-wrong').count()).toBe(0);
    expect(await page.locator('.quiz-score').textContent()).toContain('1 right of 1 answered');
    await card.locator('.quiz-verdict button').click(); // Answer again
    await card.locator('button[data-option="B"]').click();
    await expect.poll(() => card.locator('.quiz-verdict').textContent()).toContain('Not quite. You chose B; the answer is A, and C is true as well.');
    // An answer stored before C counted (correct: false) counts now.
    await page.evaluate(() => localStorage.setItem('workbook:quiz', JSON.stringify({ 'also-right-demo/mechanism': { choice: 'C', correct: false, at: '2026-01-01T00:00:00.000Z' } })));
    await page.reload();
    await expect.poll(() => card.locator('.quiz-verdict').textContent(), { message: 'a stored answer C after a reload' }).toContain('Right.');
    expect(await card.locator('.quiz-verdict').getAttribute('class')).toContain('verdict-right');
    expect(await card.getAttribute('class')).toContain('is-right');
    expect(await page.locator('.quiz-score').textContent()).toContain('1 right of 1 answered');
    expect(errorsOf(page)).toEqual([]);

    // Quiz mode: C scores; B is reviewed with both right options shown.
    await page.goto(`${live.url}fixture-quiz.html`);
    await page.locator('.qm-setup button[type=submit]').click();
    await page.locator('.quiz-option button[data-option="C"]').click();
    await expect.poll(() => page.locator('.qm-feedback .quiz-verdict').textContent()).toContain('A is the answer we give; C is true as well.');
    expect(await page.locator('.qm-feedback .verdict-right').count()).toBe(1);
    expect(await rightOptions(page.locator('.qm-card'), '.quiz-option button.is-right')).toEqual(['A', 'C']);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.qm-final').getAttribute('data-score')).toBe('1/1');
    expect(await page.locator('.qm-review-item').count()).toBe(0);
    await page.locator('[data-again]').click();
    await page.locator('.quiz-option button[data-option="B"]').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.qm-final').getAttribute('data-score')).toBe('0/1');
    expect(await page.locator('.qm-review-item .quiz-also-right').textContent()).toContain('The promise rejects');

    // The presenter's reveal marks both; the answer key marks both.
    await page.goto(`${live.url}fixture/present.html`);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const slide = page.locator('.slide.is-current');
    await expect.poll(() => slide.locator('.slide-answer').isVisible()).toBe(true);
    expect(await rightOptions(slide, '.slide-options li.is-right')).toEqual(['A', 'C']);
    await page.goto(`${live.url}fixture-answer-key.html`);
    expect(await page.locator('.key-options li.is-answer .opt-key').allTextContents()).toEqual(['A', 'C']);
    expect(await page.locator('.key-options li:has(.key-mark-also) .opt-key').allTextContents()).toEqual(['C']);
    expect(await page.locator('.key-options li.is-document .opt-key').allTextContents(), 'the document\'s wrong answer').toEqual(['B']);
    expect(errorsOf(page)).toEqual([]);
    await page.close();

    // Without JavaScript, the answer to unfold names both.
    const plain = await context.newPage();
    const cdp = await context.newCDPSession(plain);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await plain.goto(`${live.url}fixture/lesson.html`);
    await plain.locator('.quiz-answer summary').click();
    expect(await plain.locator('.quiz-answer .quiz-right-answer').allTextContents()).toEqual([expect.stringMatching(/^Answer A\b/), expect.stringMatching(/^True as well C The promise rejects/)]);
    await plain.close();
  });

  test('presenter view at 1280x720: every question shows its options, reveal brings the answer into view, the arrows scroll a long slide', async () => {
    const page = await open(`${live.url}present/questions.html`);
    await page.setViewportSize({ width: 1280, height: 720 });
    const current = page.locator('.slide.is-current');
    // Where the options end and where the answer's first line is, against the slide's visible box.
    const measure = (slide: Element) => {
      const view = slide.getBoundingClientRect();
      const lastOption = slide.querySelector('.slide-options li:last-child')!.getBoundingClientRect();
      const answer = slide.querySelector('.slide-answer[open] .quiz-right-answer')?.getBoundingClientRect();
      return {
        num: slide.querySelector('.slide-num')?.textContent ?? '',
        optionsFit: lastOption.bottom <= view.bottom + 1,
        answerInView: answer ? answer.top >= view.top - 1 && answer.bottom <= view.bottom + 1 : undefined,
      };
    };
    const box = () => current.evaluate(measure);
    // Every question of the deck, stepped through in the page (the keys' own handler, without a
    // round trip per key): the options before the reveal, the answer after it.
    const unfit = await page.evaluate((measureSource) => {
      const measureIn = new Function(`return (${measureSource})`)() as typeof measure;
      const press = (key: string) => document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      const found: string[] = [];
      const total = document.querySelectorAll('.slide').length;
      for (let i = 2; i <= total; i++) {
        press('ArrowRight');
        const slide = document.querySelector('.slide.is-current')!;
        const before = measureIn(slide);
        press('Enter');
        const after = measureIn(slide);
        if (!before.optionsFit) found.push(`${before.num}: the last option is below the fold`);
        if (!after.answerInView) found.push(`${before.num}: the revealed answer is out of view`);
      }
      return found;
    }, measure.toString());
    expect(unfit).toEqual([]);
    const total = await page.locator('.slide').count();
    expect(await page.locator('.presenter-counter').textContent(), 'every slide was visited').toBe(`${total} / ${total}`);

    // The longest question slide, revealed, scrolls with ↓ ↑ and Page Down, then Page Down moves on.
    const longest = await page.evaluate(() => {
      const slides = [...document.querySelectorAll('.slide')];
      const lengths = slides.map((s) => (s.getAttribute('data-kind') === 'question' ? s.textContent!.length : 0));
      return lengths.indexOf(Math.max(...lengths)) + 1;
    });
    await page.goto(`${live.url}present/questions.html#${longest}`);
    await page.reload();
    await page.screenshot({ path: join(artifacts, 'presenter-1280x720.png') });
    expect((await box()).optionsFit, 'the longest question slide shows its options').toBe(true);
    await page.keyboard.press('Enter');
    expect((await box()).answerInView, 'its answer, revealed').toBe(true);
    const scroll = () => current.evaluate((s) => ({ top: s.scrollTop, max: s.scrollHeight - s.clientHeight }));
    const start = await scroll();
    expect(start.max, 'the revealed slide is taller than the screen').toBeGreaterThan(0);
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await scroll()).top, { message: 'ArrowDown scrolls' }).toBeGreaterThan(start.top);
    const down = (await scroll()).top;
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await scroll()).top, { message: 'ArrowUp scrolls back' }).toBeLessThan(down);
    for (let i = 0; i < 20 && (await scroll()).top < (await scroll()).max - 1; i++) await page.keyboard.press('PageDown');
    expect(await page.locator('.presenter-counter').textContent(), 'Page Down scrolls before it moves on').toBe(`${longest} / ${total}`);
    expect((await scroll()).top).toBeGreaterThanOrEqual((await scroll()).max - 1);
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.locator('.presenter-counter').textContent(), { message: 'at the bottom, Page Down moves on' }).toBe(`${Math.min(longest + 1, total)} / ${total}`);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  test('presenter view: the keys do what the help says after a mouse click on a button, and F or Shift+F goes full screen', async () => {
    const page = await open(`${live.url}present/questions.html#2`);
    const counter = page.locator('.presenter-counter');
    const total = await page.locator('.slide').count();
    if (total < 4) return;
    await expect.poll(() => counter.textContent()).toBe(`2 / ${total}`);
    await page.locator('[data-next]').click(); // with the mouse
    await expect.poll(() => counter.textContent()).toBe(`3 / ${total}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.slide.is-current .slide-answer').isVisible(), { message: 'Enter reveals the answer' }).toBe(true);
    expect(await counter.textContent(), 'and stays on the slide').toBe(`3 / ${total}`);
    await page.locator('[data-prev]').click();
    await page.keyboard.press('Space');
    await expect.poll(() => counter.textContent(), { message: 'Space moves on' }).toBe(`3 / ${total}`);
    // Headless Chromium has no screen to fill: count the requests instead.
    await page.evaluate(() => {
      const w = window as unknown as { fullscreenRequests: number };
      w.fullscreenRequests = 0;
      document.documentElement.requestFullscreen = () => {
        w.fullscreenRequests++;
        return Promise.resolve();
      };
    });
    const requests = () => page.evaluate(() => (window as unknown as { fullscreenRequests: number }).fullscreenRequests);
    await page.keyboard.press('Shift+F');
    expect(await requests(), 'Shift+F').toBe(1);
    await page.keyboard.press('f');
    expect(await requests(), 'f').toBe(2);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });
});
