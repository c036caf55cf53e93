// Light and dark: the toggle in the top bar, remembered; the default follows the system.
import { $ } from './util.ts';

type Theme = 'light' | 'dark';

const current = (): Theme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

function apply(theme: Theme, button: HTMLElement | null): void {
  document.documentElement.dataset.theme = theme;
  button?.setAttribute('aria-label', theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme');
  button?.setAttribute('aria-pressed', String(theme === 'dark'));
}

export function initTheme(): void {
  const button = $('.theme-toggle');
  apply(current(), button);
  if (button) {
    button.hidden = false;
    button.addEventListener('click', () => {
      const next: Theme = current() === 'dark' ? 'light' : 'dark';
      apply(next, button);
      try {
        localStorage.setItem('workbook:theme', next);
      } catch {
        // Not remembered.
      }
    });
  }
  // Follow the system while the learner has not chosen.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => {
    let chosen: string | null = null;
    try {
      chosen = localStorage.getItem('workbook:theme');
    } catch {
      // Treated as not chosen.
    }
    if (!chosen) apply(e.matches ? 'dark' : 'light', button);
  });
}
