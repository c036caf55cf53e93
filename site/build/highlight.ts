// Code highlighting with shiki, at build time only: no highlighter ships to the browser. The
// highlighter is created once (async); after that, highlighting is synchronous, so it can sit
// inside marked's renderer.
//
// Light and dark at once: shiki's github-light and github-dark themes apply the same scope rules in
// the same order, with different colours. So the build merges them into one theme whose colours
// are placeholders, tokenizes each file once, and writes a class per colour pair; the page's CSS
// (written from the two themes, below) picks the light or dark colour. Same colours as shiki's
// dual-theme output, at a fraction of the build time (it tokenizes twice and builds a syntax tree).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHighlighter, type BundledLanguage, type BundledTheme, type Highlighter, type ThemeRegistrationResolved } from 'shiki';
import { esc } from './html.ts';

const themes = { light: 'github-light', dark: 'github-dark' } as const;
const langs = ['typescript', 'javascript', 'json', 'shellscript', 'markdown', 'diff', 'yaml', 'html', 'css'];
const aliases: Record<string, string> = { ts: 'typescript', mts: 'typescript', cts: 'typescript', js: 'javascript', mjs: 'javascript', cjs: 'javascript', sh: 'shellscript', bash: 'shellscript', shell: 'shellscript', console: 'shellscript', zsh: 'shellscript', md: 'markdown', yml: 'yaml' };
const merged = 'workbook-github-dual';

let highlighter: Highlighter | undefined;
/** Placeholder colour -> class; and the light/dark colours of each class. */
let classOf = new Map<string, string>();
let palette: { cls: string; light: string; dark: string }[] = [];
let colors = { light: { fg: '#24292e' }, dark: { fg: '#e1e4e8' } };
/** False if a future shiki's themes stop lining up: then shiki's own dual-theme output is used. */
let singlePass = false;

function mergeThemes(light: ThemeRegistrationResolved, dark: ThemeRegistrationResolved): ThemeRegistrationResolved | undefined {
  const l = light.settings ?? [];
  const d = dark.settings ?? [];
  if (l.length !== d.length || l.some((rule, i) => JSON.stringify(rule.scope) !== JSON.stringify(d[i]!.scope) || rule.settings.fontStyle !== d[i]!.settings.fontStyle)) return undefined;
  const pairs = new Map<string, string>();
  palette = [];
  classOf = new Map();
  const settings = l.map((rule, i) => {
    const lf = rule.settings.foreground?.toLowerCase();
    const df = d[i]!.settings.foreground?.toLowerCase();
    if (!lf || !df) return rule;
    const pair = `${lf}|${df}`;
    let placeholder = pairs.get(pair);
    if (!placeholder) {
      const n = pairs.size + 1;
      placeholder = `#0a0b${n.toString(16).padStart(2, '0')}`;
      pairs.set(pair, placeholder);
      palette.push({ cls: `t${n}`, light: lf, dark: df });
      classOf.set(placeholder, `t${n}`);
    }
    return { ...rule, settings: { ...rule.settings, foreground: placeholder } };
  });
  return { ...light, name: merged, settings, tokenColors: settings, fg: '#0a0b00', bg: '#ffffff', colors: { ...light.colors, 'editor.foreground': '#0a0b00' } };
}

export async function initHighlighter(): Promise<void> {
  if (highlighter) return;
  highlighter = await createHighlighter({ themes: Object.values(themes), langs });
  const light = highlighter.getTheme(themes.light);
  const dark = highlighter.getTheme(themes.dark);
  colors = { light: { fg: light.fg }, dark: { fg: dark.fg } };
  const theme = mergeThemes(light, dark);
  if (theme) {
    await highlighter.loadTheme(theme);
    singlePass = true;
  }
}

/** The colours of the highlighted code, for both themes: a small stylesheet for every page. */
export function codeColorsCss(): string {
  const light = palette.map((p) => `.${p.cls}{color:${p.light}}`).join('');
  const dark = palette.map((p) => `.${p.cls}{color:${p.dark}}`).join('');
  return `.shiki{color:${colors.light.fg}}${light}:root[data-theme=dark] .shiki{color:${colors.dark.fg}}${palette.map((p) => `:root[data-theme=dark] .${p.cls}{color:${p.dark}}`).join('')}@media (prefers-color-scheme:dark){:root:not([data-theme]) .shiki{color:${colors.dark.fg}}${dark.replace(/\./g, ':root:not([data-theme]) .')}}@media print{:root[data-theme=dark] .shiki{color:${colors.light.fg}}${palette.map((p) => `:root[data-theme=dark] .${p.cls}{color:${p.light}}`).join('')}}`;
}

/** The shiki language for a fence info string or a file name (`pool.ts`); 'text' when unknown. */
export function languageOf(langOrFile: string | undefined): string {
  const raw = (langOrFile ?? '').trim().split(/\s+/)[0]!.toLowerCase();
  const ext = raw.includes('.') ? raw.slice(raw.lastIndexOf('.') + 1) : raw;
  const lang = aliases[ext] ?? ext;
  return langs.includes(lang) ? lang : 'text';
}

const shortName: Record<string, string> = { typescript: 'ts', javascript: 'js', shellscript: 'sh', markdown: 'md', text: '' };

export interface CodeOptions {
  /** Shown above the code, for example the file's path. */
  title?: string;
  /** Extra class on the wrapper. */
  className?: string;
}

// The same file appears on several pages (lesson, quiz mode, answer key, presenter): highlight once.
// Between builds, the results are kept on disk (node_modules/.cache), keyed by the code's hash:
// a rebuild highlights only the code that changed.
const cache = new Map<string, string>();
let stored = new Map<string, string>();
export const stats = { calls: 0, highlighted: 0, fromDisk: 0, chars: 0, ms: 0 };
const rendererVersion = 1;

function cacheVersion(): string {
  let shiki = 'unknown';
  try {
    shiki = (JSON.parse(readFileSync(new URL('../../node_modules/shiki/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // An unknown version never matches a stored one.
  }
  return JSON.stringify({ shiki, rendererVersion, themes, langs, singlePass, palette });
}

/** Loads highlighted code kept by earlier builds (ignored if shiki, the themes or this file changed). */
export function loadDiskCache(file: string): void {
  stored = new Map();
  try {
    if (!existsSync(file)) return;
    const data = JSON.parse(readFileSync(file, 'utf8')) as { version: string; entries: Record<string, string> };
    if (data.version === cacheVersion()) stored = new Map(Object.entries(data.entries));
  } catch {
    // A damaged cache is rebuilt.
  }
}

/** Keeps what this build highlighted (only that: the cache never grows past one site's code). */
export function saveDiskCache(file: string): void {
  const entries: Record<string, string> = {};
  for (const [key, html] of cache) entries[hashKey(key)] = html;
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: cacheVersion(), entries }));
  renameSync(temporary, file);
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('base64url');

function tokensToHtml(code: string, lang: string): string {
  const lines = highlighter!.codeToTokensBase(code, { lang: lang as BundledLanguage, theme: merged as BundledTheme });
  const body = lines
    .map((tokens) => {
      const spans = tokens
        .map((t) => {
          const cls = [t.color ? classOf.get(t.color.toLowerCase()) : undefined, t.fontStyle && t.fontStyle & 1 ? 'ti' : '', t.fontStyle && t.fontStyle & 2 ? 'tb' : '', t.fontStyle && t.fontStyle & 4 ? 'tu' : '']
            .filter(Boolean)
            .join(' ');
          return cls ? `<span class="${cls}">${esc(t.content)}</span>` : esc(t.content);
        })
        .join('');
      return `<span class="line">${spans}</span>`;
    })
    .join('\n');
  return `<pre class="shiki" tabindex="0"><code>${body}</code></pre>`;
}

function highlightPre(code: string, lang: string): string {
  stats.calls++;
  const key = `${lang}\0${code}`;
  let pre = cache.get(key);
  if (pre === undefined && stored.size > 0) {
    pre = stored.get(hashKey(key));
    if (pre !== undefined) {
      stats.fromDisk++;
      cache.set(key, pre);
    }
  }
  if (pre === undefined) {
    const started = performance.now();
    pre = singlePass ? tokensToHtml(code, lang) : highlighter!.codeToHtml(code, { lang: lang as BundledLanguage, themes, defaultColor: false });
    stats.ms += performance.now() - started;
    stats.highlighted++;
    stats.chars += code.length;
    cache.set(key, pre);
  }
  return pre;
}

/** Highlighted code in light and dark colours at once (CSS picks one), wrapped for the copy button. */
export function highlight(code: string, langOrFile: string | undefined, options: CodeOptions = {}): string {
  if (!highlighter) throw new Error('initHighlighter() must be awaited before highlight()');
  const lang = languageOf(langOrFile);
  const pre = highlightPre(code.replace(/\n+$/, ''), lang);
  const label = shortName[lang] ?? lang;
  const head = options.title
    ? `<div class="code-head"><span class="code-title">${esc(options.title)}</span>${label ? `<span class="code-lang">${esc(label)}</span>` : ''}</div>`
    : label
      ? `<span class="code-lang code-lang-float">${esc(label)}</span>`
      : '';
  return `<div class="code${options.className ? ` ${options.className}` : ''}${options.title ? ' has-title' : ''}">${head}${pre}</div>`;
}

/** A one-line shell command, highlighted, with a copy button. */
export const command = (cmd: string): string => highlight(cmd, 'sh', { className: 'command' });
