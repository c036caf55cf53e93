// Quiz items on lesson pages: choose an option, see right or wrong, then the explanation and the
// evidence. Answers are kept in localStorage and shown again after a reload.
import { answers, saveAnswers, save, type Answer } from './store.ts';
import { $, $$, el, escapeHtml } from './util.ts';

const list = (keys: string[]) => (keys.length > 1 ? `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}` : (keys[0] ?? ''));
const trueAsWell = (keys: string[]) => `${list(keys)} ${keys.length > 1 ? 'are' : 'is'} true as well`;

/**
 * What the learner is told after choosing (or, in timed quiz mode, not choosing) an option. An item
 * can have more than one right option: `answer` is the one the workbook gives, `alsoRight` the
 * others that are true as well.
 */
export function verdictHtml(choice: string | undefined, answer: string, alsoRight: string[]): string {
  const [a, c] = [escapeHtml(answer), escapeHtml(choice ?? '')];
  if (choice === answer) return `<strong>Right.</strong>${alsoRight.length ? ` ${escapeHtml(trueAsWell(alsoRight))}.` : ''} `;
  if (choice !== undefined && alsoRight.includes(choice)) return `<strong>Right.</strong> ${a} is the answer we give; ${c} is true as well. `;
  const theAnswer = `${a}${alsoRight.length ? `, and ${escapeHtml(trueAsWell(alsoRight))}` : ''}`;
  return choice === undefined ? `<strong>Time is up.</strong> The answer is ${theAnswer}. ` : `<strong>Not quite.</strong> You chose ${c}; the answer is ${theAnswer}. `;
}

/** The options of a quiz item that count as right: its answer and any that are true as well. */
function rightOptions(item: HTMLElement): string[] {
  return [item.dataset.answer ?? '', ...(item.dataset.alsoRight ?? '').split(' ').filter(Boolean)];
}

/** Whether a choice is right, by the item as built now: an answer stored before an option became right counts. */
const isRight = (item: HTMLElement, answer: Answer | undefined): boolean => !!answer && rightOptions(item).includes(answer.choice);

function optionButtons(item: HTMLElement): HTMLButtonElement[] {
  return $$<HTMLButtonElement>('.quiz-option button', item);
}

function render(item: HTMLElement, answer: Answer | undefined): void {
  const [right = '', ...alsoRight] = rightOptions(item);
  const correct = isRight(item, answer);
  const details = $<HTMLDetailsElement>('details.quiz-answer', item);
  const verdict = $('.quiz-verdict', item);
  const corrects = $('.quiz-corrects', item);
  item.classList.toggle('is-answered', !!answer);
  item.classList.toggle('is-right', correct);
  item.classList.toggle('is-wrong', !!answer && !correct);
  for (const button of optionButtons(item)) {
    const key = button.dataset.option ?? '';
    button.disabled = !!answer;
    button.classList.toggle('is-chosen', answer?.choice === key);
    button.classList.toggle('is-right', !!answer && (key === right || alsoRight.includes(key)));
    button.classList.toggle('is-wrong', !!answer && answer.choice === key && !correct);
    button.setAttribute('aria-pressed', String(answer?.choice === key));
  }
  if (verdict) {
    verdict.hidden = !answer;
    verdict.className = `quiz-verdict ${answer ? (correct ? 'verdict-right' : 'verdict-wrong') : ''}`;
    verdict.innerHTML = answer ? verdictHtml(answer.choice, right, alsoRight) : '';
    if (answer) {
      const again = el('button', { type: 'button', class: 'btn-link' }, 'Answer again');
      again.addEventListener('click', () => {
        const all = answers();
        delete all[item.dataset.qkey ?? ''];
        saveAnswers(all);
        render(item, undefined);
        refreshScores();
        optionButtons(item)[0]?.focus();
      });
      verdict.append(again);
    }
  }
  if (corrects) corrects.hidden = !answer;
  if (details) {
    details.hidden = !answer;
    details.open = !!answer;
  }
}

function refreshScores(): void {
  const all = answers();
  for (const quiz of $$('.quiz')) {
    const items = $$('.quiz-item', quiz);
    const answered = items.filter((i) => all[i.dataset.qkey ?? '']);
    const toolbar = $('.quiz-toolbar', quiz);
    const score = $('.quiz-score', quiz);
    if (toolbar) toolbar.hidden = false;
    const reset = $<HTMLButtonElement>('[data-quiz-reset]', quiz);
    if (reset) reset.disabled = answered.length === 0;
    if (score)
      score.textContent =
        answered.length === 0
          ? `${items.length} question${items.length === 1 ? '' : 's'}: choose an answer to see if it is right.`
          : `${answered.filter((i) => isRight(i, all[i.dataset.qkey ?? ''])).length} right of ${answered.length} answered, ${items.length - answered.length} to go.`;
  }
}

export function initQuizzes(): void {
  const items = $$('.quiz-item');
  if (items.length > 0) {
    const stored = answers();
    for (const item of items) {
      for (const option of $$('.quiz-option', item)) {
        const button = el('button', { type: 'button', 'data-option': option.dataset.option ?? '' });
        button.append(...option.childNodes);
        option.append(button);
        button.addEventListener('click', () => {
          const choice = button.dataset.option ?? '';
          const answer: Answer = { choice, correct: rightOptions(item).includes(choice), at: new Date().toISOString() };
          const all = answers();
          all[item.dataset.qkey ?? ''] = answer;
          saveAnswers(all);
          render(item, answer);
          refreshScores();
        });
      }
      render(item, stored[item.dataset.qkey ?? '']);
    }
    refreshScores();
    for (const quiz of $$('.quiz')) {
      $('[data-quiz-reset]', quiz)?.addEventListener('click', () => {
        const quizItems = $$('.quiz-item', quiz);
        if (!confirm(`Clear your answers to the ${quizItems.length} question${quizItems.length === 1 ? '' : 's'} of this lesson?`)) return;
        const all = answers();
        for (const item of quizItems) delete all[item.dataset.qkey ?? ''];
        saveAnswers(all);
        for (const item of quizItems) render(item, undefined);
        refreshScores();
      });
    }
  }
  const resetAll = $('[data-quiz-reset-all]');
  if (resetAll && Object.keys(answers()).length > 0) {
    resetAll.parentElement!.hidden = false;
    resetAll.addEventListener('click', () => {
      if (!confirm('Clear all your quiz answers, on every lesson?')) return;
      save('quiz', {});
      resetAll.parentElement!.hidden = true;
    });
  }
}
