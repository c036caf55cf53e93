// Presenter view: one section or question at a time, large type, keyboard driven.
// → Space: next · ← Backspace: previous · ↓ ↑: scroll the slide · PageDown PageUp: scroll a page,
// then next or previous at the end (what a presentation clicker sends) · Enter: reveal ·
// F: full screen · Home/End.
import { $, $$, typing } from './util.ts';

export function initPresenter(): void {
  const deck = $('.presenter');
  if (!deck) return;
  const track = new URLSearchParams(location.search).get('track');
  const all = $$('.slide', deck);
  for (const slide of all) if (track && slide.dataset.kind === 'question' && slide.dataset.track !== track) slide.remove();
  const slides = $$('.slide', deck);
  const questions = slides.filter((s) => s.dataset.kind === 'question');
  // One track's deck says so on its title slide.
  const title = $('.deck-title', deck);
  const count = $('.deck-count', deck);
  if (track && title && questions[0]?.dataset.trackTitle) title.textContent = `Interview questions: ${questions[0].dataset.trackTitle}`;
  if (track && count) count.textContent = String(questions.length);
  questions.forEach((q, i) => {
    const num = $('.slide-num', q);
    if (num) num.textContent = `Question ${i + 1} of ${questions.length}`;
  });
  document.body.classList.add('presenting');
  const counter = $('.presenter-counter', deck);
  for (const control of $$('.presenter-bar [hidden]', deck)) control.hidden = false;

  const fromHash = Number(location.hash.slice(1));
  let index = Number.isInteger(fromHash) && fromHash >= 1 && fromHash <= slides.length ? fromHash - 1 : 0;

  const revealable = (slide: HTMLElement | undefined) => {
    const answer = slide ? $<HTMLDetailsElement>('details.slide-answer', slide) : null;
    return answer && !answer.open ? answer : null;
  };

  function show(i: number): void {
    index = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach((s, n) => s.classList.toggle('is-current', n === index));
    const slide = slides[index];
    slide?.scrollTo(0, 0);
    if (counter) counter.textContent = `${index + 1} / ${slides.length}`;
    const reveal = $<HTMLButtonElement>('[data-reveal]', deck!);
    if (reveal) reveal.disabled = !revealable(slide);
    history.replaceState(null, '', `${location.pathname}${location.search}#${index + 1}`);
  }

  function reveal(): boolean {
    const slide = slides[index];
    const answer = revealable(slide);
    if (!answer || !slide) return false;
    answer.open = true;
    slide.classList.add('is-revealed');
    const right = slide.dataset.answer;
    const alsoRight = (slide.dataset.alsoRight ?? '').split(' ');
    for (const li of $$('.slide-options li', slide)) li.classList.toggle('is-right', li.dataset.option === right || alsoRight.includes(li.dataset.option ?? ''));
    const button = $<HTMLButtonElement>('[data-reveal]', deck!);
    if (button) button.disabled = true;
    // The answer opens below the options: bring its first line into view, scrolling no further.
    ($('.quiz-right-answer', answer) ?? answer).scrollIntoView({ block: 'nearest' });
    return true;
  }

  /** Scrolls the current slide by a fraction of its height; false if it cannot move that way. */
  function scrollSlide(fraction: number): boolean {
    const slide = slides[index];
    if (!slide) return false;
    const room = fraction > 0 ? slide.scrollHeight - slide.clientHeight - slide.scrollTop : slide.scrollTop;
    if (room < 2) return false;
    slide.scrollBy({ top: Math.round(slide.clientHeight * fraction) });
    return true;
  }

  function fullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen?.().catch(() => undefined);
  }

  for (const answer of $$<HTMLDetailsElement>('details.slide-answer', deck)) {
    answer.addEventListener('toggle', () => {
      if (answer.open && answer.closest('.slide') === slides[index]) reveal();
    });
  }
  $('[data-next]', deck)?.addEventListener('click', () => show(index + 1));
  $('[data-prev]', deck)?.addEventListener('click', () => show(index - 1));
  $('[data-reveal]', deck)?.addEventListener('click', () => reveal());
  $('[data-fullscreen]', deck)?.addEventListener('click', fullscreen);
  // A mouse click leaves focus on the button it pressed, where Enter and Space would press it again
  // instead of doing what the keyboard help says. So a click lets go of focus; a button reached with
  // Tab and pressed with the keyboard (detail 0) keeps it, and Enter presses it as usual.
  deck.addEventListener('click', (e) => {
    const control = e.target instanceof Element ? e.target.closest('button, summary') : null;
    if (e.detail > 0 && control instanceof HTMLElement) control.blur();
  });

  document.addEventListener('keydown', (e) => {
    if (typing(e) || e.metaKey || e.ctrlKey || e.altKey) return;
    const target = e.target instanceof HTMLElement ? e.target : null;
    const onButton = !!target?.closest('button, a[href], summary');
    // A code block the presenter clicked or tabbed into scrolls itself with the arrow keys.
    const inCode = !!target?.closest('pre');
    // F and Shift+F alike: the help says F.
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    switch (key) {
      case 'ArrowRight':
      case 'n':
      case 'j':
        show(index + 1);
        break;
      case ' ':
        if (onButton) return;
        show(index + 1);
        break;
      case 'ArrowLeft':
      case 'p':
      case 'k':
      case 'Backspace':
        show(index - 1);
        break;
      case 'ArrowDown':
      case 'ArrowUp':
        if (inCode) return;
        scrollSlide(key === 'ArrowDown' ? 0.15 : -0.15);
        break;
      case 'PageDown':
        if (!scrollSlide(0.85)) show(index + 1);
        break;
      case 'PageUp':
        if (!scrollSlide(-0.85)) show(index - 1);
        break;
      case 'Enter':
      case 'r':
        if (onButton && e.key === 'Enter') return;
        if (!reveal()) show(index + 1);
        break;
      case 'Home':
        show(0);
        break;
      case 'End':
        show(slides.length - 1);
        break;
      case 'f':
        fullscreen();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  show(index);
}
