// Quiz items on lesson pages: choose an option, see right or wrong, then the explanation and the
// evidence. Answers are kept in localStorage and shown again after a reload.
import { answers, saveAnswers, save, type Answer } from './store.ts';
import { $, $$, el } from './util.ts';

function optionButtons(item: HTMLElement): HTMLButtonElement[] {
  return $$<HTMLButtonElement>('.quiz-option button', item);
}

function render(item: HTMLElement, answer: Answer | undefined): void {
  const right = item.dataset.answer ?? '';
  const details = $<HTMLDetailsElement>('details.quiz-answer', item);
  const verdict = $('.quiz-verdict', item);
  const corrects = $('.quiz-corrects', item);
  item.classList.toggle('is-answered', !!answer);
  item.classList.toggle('is-right', !!answer?.correct);
  item.classList.toggle('is-wrong', !!answer && !answer.correct);
  for (const button of optionButtons(item)) {
    const key = button.dataset.option ?? '';
    button.disabled = !!answer;
    button.classList.toggle('is-chosen', answer?.choice === key);
    button.classList.toggle('is-right', !!answer && key === right);
    button.classList.toggle('is-wrong', !!answer && answer.choice === key && key !== right);
    button.setAttribute('aria-pressed', String(answer?.choice === key));
  }
  if (verdict) {
    verdict.hidden = !answer;
    verdict.className = `quiz-verdict ${answer ? (answer.correct ? 'verdict-right' : 'verdict-wrong') : ''}`;
    verdict.innerHTML = answer
      ? answer.correct
        ? '<strong>Right.</strong> '
        : `<strong>Not quite.</strong> You chose ${answer.choice}; the answer is ${right}. `
      : '';
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
    const answered = items.map((i) => all[i.dataset.qkey ?? '']).filter((a): a is Answer => !!a);
    const toolbar = $('.quiz-toolbar', quiz);
    const score = $('.quiz-score', quiz);
    if (toolbar) toolbar.hidden = false;
    const reset = $<HTMLButtonElement>('[data-quiz-reset]', quiz);
    if (reset) reset.disabled = answered.length === 0;
    if (score)
      score.textContent =
        answered.length === 0
          ? `${items.length} question${items.length === 1 ? '' : 's'}: choose an answer to see if it is right.`
          : `${answered.filter((a) => a.correct).length} right of ${answered.length} answered, ${items.length - answered.length} to go.`;
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
          const answer: Answer = { choice, correct: choice === item.dataset.answer, at: new Date().toISOString() };
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
