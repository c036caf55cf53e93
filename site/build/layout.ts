// The page shell shared by every page: head, top bar, sidebar, outline.
import type { Lesson, Track } from '../../tool/lessons.ts';
import { esc } from './html.ts';
import type { Heading } from './markdown.ts';

export interface Assets {
  /** Paths relative to the site root. */
  js: string[];
  css: string[];
}

export interface Site {
  title: string;
  lessons: Lesson[];
  tracks: Track[];
  assets: Assets;
  /** The colours of highlighted code in both themes (see highlight.ts). */
  codeCss: string;
}

export const siteTitle = 'Worker-pool workbook';

// Applied before the first paint: the stored theme, or the system's. No flash of the wrong theme.
const themeScript = `try{var t=localStorage.getItem('workbook:theme');if(t!=='light'&&t!=='dark')t=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';document.documentElement.dataset.theme=t}catch(e){}`;

// The logo as the favicon, inline: no extra request, no 404 on hosts without one.
const favicon = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><g fill="#3451b2"><rect x="2" y="5" width="28" height="6" rx="2"/><rect x="2" y="13" width="18" height="6" rx="2"/><rect x="14" y="21" width="16" height="6" rx="2"/></g><g fill="#e08a2b"><rect x="22" y="13" width="8" height="6" rx="2"/><rect x="2" y="21" width="10" height="6" rx="2"/></g></svg>')}`;

export const icons = {
  logo: '<svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><rect x="2" y="5" width="28" height="6" rx="2"/><rect x="2" y="13" width="18" height="6" rx="2"/><rect x="22" y="13" width="8" height="6" rx="2" class="logo-b"/><rect x="2" y="21" width="10" height="6" rx="2" class="logo-b"/><rect x="14" y="21" width="16" height="6" rx="2"/></svg>',
  sun: '<svg class="icon icon-sun" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="4.5"/><path d="M12 1.5v2.5M12 20v2.5M1.5 12H4M20 12h2.5M4.6 4.6l1.8 1.8M17.6 17.6l1.8 1.8M4.6 19.4l1.8-1.8M17.6 6.4l1.8-1.8"/></svg>',
  moon: '<svg class="icon icon-moon" viewBox="0 0 24 24" aria-hidden="true"><path d="M20.5 14.6A8.5 8.5 0 0 1 9.4 3.5a8.5 8.5 0 1 0 11.1 11.1z"/></svg>',
  search: '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5 21 21"/></svg>',
  menu: '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6h18M3 12h18M3 18h18"/></svg>',
};

export interface ShellOptions {
  site: Site;
  /** From this page to the site root: '' or '../'. */
  root: string;
  title: string;
  description?: string;
  /** data-page on <body>: what the client script sets up. */
  page: string;
  body: string;
  bodyData?: Record<string, string>;
  /** 'docs' has a sidebar and an outline; 'wide' has neither; 'bare' has no top bar (presenter). */
  layout?: 'docs' | 'wide' | 'bare';
  current?: string;
  headings?: Heading[];
  /** Inline JSON data for the page's script: <script type="application/json" id="page-data">. */
  data?: unknown;
}

export function sidebar(site: Site, root: string, current?: string): string {
  const groups = site.tracks
    .map((track) => {
      const lessons = site.lessons.filter((l) => l.track === track.id);
      if (lessons.length === 0) return '';
      const items = lessons
        .map(
          (l) =>
            `<li><a href="${root}lessons/${l.id}.html" data-lesson="${esc(l.id)}"${l.id === current ? ' aria-current="page"' : ''}><span class="sidebar-title">${esc(l.title)}</span><span class="status-dot" hidden></span></a></li>`,
        )
        .join('');
      return `<section class="sidebar-group"><h2>${esc(track.title)}</h2><ul>${items}</ul></section>`;
    })
    .join('');
  return `<nav class="sidebar-nav" aria-label="Lessons">${groups}<section class="sidebar-group sidebar-more"><h2>Practice and teach</h2><ul><li><a href="${root}quiz.html">Quiz mode</a></li><li><a href="${root}present/index.html">Presenter view</a></li><li><a href="${root}answer-key.html">Answer key</a></li></ul></section></nav>`;
}

function outline(headings: Heading[]): string {
  if (headings.length < 2) return '';
  const items = headings.map((h) => `<li class="outline-d${h.depth}"><a href="#${esc(h.id)}">${esc(h.text)}</a></li>`).join('');
  return `<nav class="outline-nav" aria-label="On this page"><p class="outline-title">On this page</p><ul>${items}</ul></nav>`;
}

export function shell(o: ShellOptions): string {
  const { site, root } = o;
  const layout = o.layout ?? 'docs';
  const data = o.data === undefined ? '' : `<script type="application/json" id="page-data">${JSON.stringify(o.data).replace(/</g, '\\u003c')}</script>`;
  const bodyData = Object.entries(o.bodyData ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  const topbar =
    layout === 'bare'
      ? ''
      : `<header class="topbar">
${layout === 'docs' ? `<label for="nav-toggle" class="menu-button" title="Lessons">${icons.menu}<span class="sr-only">Lessons</span></label>` : ''}
<a class="brand" href="${root}index.html">${icons.logo}<span>${esc(site.title)}</span></a>
<div class="search" data-search hidden><label class="search-box">${icons.search}<span class="sr-only">Search</span><input type="search" placeholder="Search lessons" autocomplete="off" spellcheck="false" aria-controls="search-results" aria-expanded="false"><kbd>/</kbd></label><div class="search-results" id="search-results" role="listbox" hidden></div></div>
<nav class="topnav" aria-label="Site"><a href="${root}index.html#lessons">Lessons</a><a href="${root}quiz.html"${o.page === 'quiz-mode' ? ' aria-current="page"' : ''}>Quiz mode</a><a href="${root}present/index.html"${o.page === 'present-index' ? ' aria-current="page"' : ''}>Present</a><a href="${root}answer-key.html"${o.page === 'answer-key' ? ' aria-current="page"' : ''}>Answer key</a></nav>
<button type="button" class="theme-toggle" hidden aria-label="Switch theme" title="Switch between light and dark">${icons.sun}${icons.moon}</button>
</header>`;
  const main =
    layout === 'docs'
      ? `<input type="checkbox" id="nav-toggle" class="nav-toggle"><div class="layout layout-docs"><aside class="sidebar">${sidebar(site, root, o.current)}</aside><main id="main" class="content">${o.body}</main><aside class="outline">${outline(o.headings ?? [])}</aside></div>`
      : `<div class="layout layout-${layout}"><main id="main" class="content">${o.body}</main></div>`;
  return `<!doctype html>
<html lang="en" data-root="${esc(root)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title === site.title ? o.title : `${o.title} · ${site.title}`)}</title>
${o.description ? `<meta name="description" content="${esc(o.description)}">` : ''}
<meta name="color-scheme" content="light dark">
<link rel="icon" href="${favicon}">
<script>${themeScript}</script>
${site.assets.css.map((c) => `<link rel="stylesheet" href="${root}${c}">`).join('\n')}
<style>${site.codeCss}</style>
${site.assets.js.map((j) => `<script type="module" src="${root}${j}"></script>`).join('\n')}
</head>
<body data-page="${esc(o.page)}"${bodyData}>
<a class="skip-link" href="#main">Skip to content</a>
${topbar}
${main}
${data}
</body>
</html>
`;
}
