// The site's only script: small, shared by every page, and never needed to read a page.
import '../styles/site.css';
import { initCopyButtons } from './copy.ts';
import { initHints } from './hints.ts';
import { initOutline } from './outline.ts';
import { initPresenter } from './presenter.ts';
import { initQuizMode } from './quiz-mode.ts';
import { initQuizzes } from './quiz.ts';
import { initSearch } from './search.ts';
import { initStatus } from './status.ts';
import { initTheme } from './theme.ts';
import { $$ } from './util.ts';

function start(): void {
  document.documentElement.classList.add('js');
  initTheme();
  initCopyButtons();
  initSearch();
  initHints();
  initQuizzes();
  initOutline();
  initStatus();
  const page = document.body.dataset.page;
  if (page === 'quiz-mode') initQuizMode();
  if (page === 'present') initPresenter();
  for (const button of $$('[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => print());
  }
  // The mobile menu closes when a lesson is chosen.
  for (const link of $$('.sidebar a')) link.addEventListener('click', () => ((document.getElementById('nav-toggle') as HTMLInputElement | null)!.checked = false));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
