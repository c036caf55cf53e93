// Local search over lesson titles, text and quiz questions. The index is a JSON file written at
// build time, fetched on first use: it works offline, from any static host.
import { $, escapeHtml, siteUrl, typing } from './util.ts';

interface Entry {
  u: string;
  t: string;
  k: 'lesson' | 'section' | 'question';
  l: string;
  x: string;
}

interface Indexed extends Entry {
  title: string;
  text: string;
}

let index: Promise<Indexed[]> | undefined;

function loadIndex(): Promise<Indexed[]> {
  index ??= fetch(siteUrl('search-index.json'))
    .then((r) => (r.ok ? (r.json() as Promise<Entry[]>) : []))
    .then((entries) => entries.map((e) => ({ ...e, title: e.t.toLowerCase(), text: e.x.toLowerCase() })))
    .catch(() => []);
  return index;
}

const kindLabel = { lesson: 'Lesson', section: 'Section', question: 'Question' } as const;
const kindWeight = { lesson: 3, section: 2, question: 1 } as const;

export function search(entries: Indexed[], query: string, limit = 8): Indexed[] {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  if (terms.length === 0) return [];
  return entries
    .map((e) => {
      let score = 0;
      for (const term of terms) {
        const inTitle = e.title.includes(term);
        const inText = e.text.includes(term);
        if (!inTitle && !inText) return { e, score: -1 };
        score += (inTitle ? 10 : 0) + (inText ? 1 : 0) + (new RegExp(`\\b${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(e.title) ? 5 : 0);
      }
      return { e, score: score + kindWeight[e.k] };
    })
    .filter((r) => r.score >= 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((r) => r.e);
}

function mark(text: string, terms: string[]): string {
  let html = escapeHtml(text);
  for (const term of terms) {
    const safe = escapeHtml(term).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    html = html.replace(new RegExp(`(${safe})(?![^<]*>)`, 'gi'), '<mark>$1</mark>');
  }
  return html;
}

function snippet(e: Indexed, terms: string[]): string {
  const at = Math.min(...terms.map((t) => e.text.indexOf(t)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return escapeHtml(e.x.slice(0, 110)) + (e.x.length > 110 ? '…' : '');
  const from = Math.max(0, at - 50);
  const piece = e.x.slice(from, from + 130);
  return (from > 0 ? '…' : '') + mark(piece, terms) + (from + 130 < e.x.length ? '…' : '');
}

export function initSearch(): void {
  const box = $('[data-search]');
  const input = box ? $<HTMLInputElement>('input', box) : null;
  const list = box ? $('.search-results', box) : null;
  if (!box || !input || !list) return;
  box.hidden = false;
  let results: Indexed[] = [];
  let active = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  const paint = () => {
    const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return close();
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    list.innerHTML = results.length
      ? results
          .map(
            (e, i) =>
              `<a class="search-result${i === active ? ' active' : ''}" role="option" aria-selected="${i === active}" href="${escapeHtml(siteUrl(e.u))}"><span class="sr-kind">${kindLabel[e.k]}${e.k === 'lesson' ? '' : ` · ${escapeHtml(e.l)}`}</span><span class="sr-title">${mark(e.t, terms)}</span><span class="sr-snippet">${snippet(e, terms)}</span></a>`,
          )
          .join('')
      : `<p class="search-empty">No results for “${escapeHtml(input.value)}”.</p>`;
  };
  const update = async () => {
    const entries = await loadIndex();
    results = search(entries, input.value);
    active = 0;
    paint();
  };

  input.addEventListener('focus', () => {
    void loadIndex();
    if (input.value) void update();
  });
  input.addEventListener('input', () => void update());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length) active = (active + (e.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      paint();
    } else if (e.key === 'Enter') {
      const hit = results[active];
      if (hit) {
        e.preventDefault();
        location.href = siteUrl(hit.u);
      }
    } else if (e.key === 'Escape') {
      close();
      input.blur();
    }
  });
  document.addEventListener('click', (e) => {
    if (!box.contains(e.target as Node)) close();
  });
  document.addEventListener('keydown', (e) => {
    if (document.body.classList.contains('presenting')) return;
    if ((e.key === '/' && !typing(e)) || (e.key === 'k' && (e.metaKey || e.ctrlKey))) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
}
