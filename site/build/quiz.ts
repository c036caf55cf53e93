// Quiz items rendered once at build time, and reused by lesson pages, quiz mode, the presenter
// view and the answer key.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Lesson, QuizItem } from '../../tool/lessons.ts';
import { highlight } from './highlight.ts';
import { esc } from './html.ts';
import { renderInline, renderMarkdown } from './markdown.ts';
import { loadRecord, machineLine, rerunCommand } from './recorded.ts';

/** A quiz item as lessons/README.md ("quiz.json") describes it. */
export type QuizEntry = QuizItem;

/** Every option that counts as right: the answer first, then `alsoRight`. */
export const rightKeys = (item: { answer: string; alsoRight?: string[] }): string[] => [item.answer, ...(item.alsoRight ?? [])];

// TypeScript's own syntax: type annotations, interfaces, type aliases, generics, casts, modifiers.
const typeScriptOnly =
  /\binterface\s+\w|\btype\s+\w+\s*(?:<[^>]*>)?\s*=|\b(?:private|public|protected|readonly)\s+\w|\bas\s+(?:const\b|[A-Z])|\bimport\s+type\b|[\w)\]?]\s*:\s*(?:string|number|boolean|void|unknown|any|never|bigint|Promise<)|\bnew\s+\w+<|\w<\w+(?:\[\])?>\(/;

/** The language of a question's inline code: `codeLang` if given, else TypeScript only when it uses TypeScript's own syntax. */
export function inlineCodeLanguage(code: string, codeLang?: string): string {
  if (codeLang) return codeLang;
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  return typeScriptOnly.test(withoutComments) ? 'ts' : 'js';
}

export interface QuizParts {
  /** Unique across the site: `<lesson>/<item id>`; the key answers are stored under. */
  key: string;
  lesson: string;
  lessonTitle: string;
  track: string;
  trackId: string;
  /** The item on its lesson page, relative to the site root. */
  url: string;
  source: string;
  question: string;
  code: string;
  options: { key: string; html: string }[];
  answer: string;
  /** Options that are true as well (choosing one counts as right); often empty. */
  alsoRight: string[];
  documentAnswer?: string;
  /** True when the lesson corrects the source document on this item. */
  corrects: boolean;
  /** The answer, the correction, the explanation and the evidence. */
  answerHtml: string;
  /** Just the evidence links. */
  evidenceHtml: string;
}

export const quizAnchor = (item: QuizItem) => `quiz-${item.id}`;

export function experimentUrl(lesson: Lesson, name: string, root: string): string {
  return `${root}lessons/${lesson.id}.html#experiment-${name}`;
}

function evidenceLinks(lesson: Lesson, item: QuizItem, root: string): string {
  if (item.evidence.length === 0) return '';
  const links = item.evidence.map((name) => {
    const record = loadRecord(lesson, name);
    const where = record ? `<span class="evidence-machine">${esc(machineLine(record))}</span>` : '<span class="evidence-machine">not recorded yet</span>';
    // The command too: an instructor re-runs the evidence live, from the slide.
    return `<li><a href="${esc(experimentUrl(lesson, name, root))}">Recorded run: <code>${esc(name)}</code></a> ${where}<br><span class="evidence-machine">Run it: <code>${esc(rerunCommand(lesson, name))}</code></span></li>`;
  });
  return `<div class="evidence"><span class="evidence-label">Evidence</span><ul>${links.join('')}</ul></div>`;
}

export function quizParts(lesson: Lesson, item: QuizEntry, trackTitle: string, root: string): QuizParts {
  const optionText = (key: string | undefined) => item.options.find((o) => o.key === key)?.text ?? '';
  let code = '';
  if (item.codeFile) {
    const file = join(lesson.dir, item.codeFile);
    code = existsSync(file) && statSync(file).isFile()
      ? highlight(readFileSync(file, 'utf8'), item.codeFile, { title: `lessons/${lesson.id}/${item.codeFile}`, className: 'collapsible' })
      : `<p class="warning">Missing code file <code>${esc(item.codeFile)}</code>.</p>`;
  } else if (item.code) {
    code = highlight(item.code, inlineCodeLanguage(item.code, item.codeLang));
  }
  const alsoRight = item.alsoRight ?? [];
  // A document that picks an option which is true as well is not wrong.
  const differs = item.documentAnswer !== undefined && !rightKeys(item).includes(item.documentAnswer);
  const corrects = differs || Boolean(item.correction);
  const keyed = (key: string | undefined) => `<span class="opt-key">${esc(key ?? '?')}</span> ${renderInline(optionText(key))}`;
  let correction = '';
  if (corrects) {
    correction = `<div class="correction"><p class="correction-title">${differs ? 'The source document gives a different answer' : 'What the source document says, and what running it shows'}</p>`;
    if (differs) {
      correction += `<div class="correction-grid"><div class="doc-says"><span class="correction-label">The document says</span><span class="correction-source">${esc(item.source)}</span><p>${keyed(item.documentAnswer)}</p></div><div class="run-shows"><span class="correction-label">The experiment shows</span><p>${keyed(item.answer)}</p></div></div>`;
    }
    if (item.correction) correction += renderMarkdown(item.correction).html;
    correction += '</div>';
  }
  const evidenceHtml = evidenceLinks(lesson, item, root);
  const also = alsoRight.length
    ? `<p class="quiz-right-answer quiz-also-right"><span class="quiz-right-label">True as well</span> ${alsoRight.map(keyed).join(' ')}</p>`
    : '';
  const answerHtml = `<p class="quiz-right-answer"><span class="quiz-right-label">Answer</span> ${keyed(item.answer)}</p>${also}${correction}<div class="explanation">${renderMarkdown(item.explanation).html}</div>${evidenceHtml}`;
  return {
    key: `${lesson.id}/${item.id}`,
    lesson: lesson.id,
    lessonTitle: lesson.title,
    track: trackTitle,
    trackId: lesson.track,
    url: `lessons/${lesson.id}.html#${quizAnchor(item)}`,
    source: item.source,
    question: renderInline(item.question),
    code,
    options: item.options.map((o) => ({ key: o.key, html: renderInline(o.text) })),
    answer: item.answer,
    alsoRight,
    documentAnswer: item.documentAnswer,
    corrects,
    answerHtml,
    evidenceHtml,
  };
}

/** One interactive quiz item. Without JavaScript: the question and an answer to unfold. */
export function renderQuizItem(parts: QuizParts, index: number, options: { id?: string; answerLabel?: string } = {}): string {
  return `<li class="quiz-item"${options.id ? ` id="${esc(options.id)}"` : ''} data-qkey="${esc(parts.key)}" data-answer="${esc(parts.answer)}"${parts.alsoRight.length ? ` data-also-right="${esc(parts.alsoRight.join(' '))}"` : ''}>
<div class="quiz-head"><span class="quiz-num">Question ${index + 1}</span><span class="quiz-source">${esc(parts.source)}</span>${parts.corrects ? '<span class="chip chip-warn quiz-corrects" hidden>corrects the document</span>' : ''}</div>
<div class="quiz-question">${parts.question}</div>
${parts.code}
<ul class="quiz-options">${parts.options.map((o) => `<li class="quiz-option" data-option="${esc(o.key)}"><span class="opt-key">${esc(o.key)}</span><span class="opt-text">${o.html}</span></li>`).join('')}</ul>
<p class="quiz-verdict" aria-live="polite" hidden></p>
<details class="quiz-answer"><summary>${esc(options.answerLabel ?? 'Show the answer')}</summary><div class="quiz-answer-body">${parts.answerHtml}</div></details>
</li>`;
}
