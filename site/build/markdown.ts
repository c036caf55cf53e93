// Markdown to HTML with marked. Code is highlighted by shiki inside the renderer (synchronously,
// once the highlighter exists); `{{recorded: name}}` lines become recorded-run blocks.
import { Marked, type Tokens } from 'marked';
import type { Lesson } from '../../tool/lessons.ts';
import { highlight } from './highlight.ts';
import { esc, Slugger, textOf } from './html.ts';
import { renderRecorded } from './recorded.ts';

export interface Heading {
  depth: number;
  id: string;
  text: string;
}

interface RenderContext {
  lesson?: Lesson;
  slugger: Slugger;
  headings: Heading[];
  /** Lesson ids that exist, so that links between lesson folders become links between pages. */
  lessonIds: Set<string>;
  /** From the page being written to the site's root ('' or '../'). */
  root: string;
}

let ctx: RenderContext = { slugger: new Slugger(), headings: [], lessonIds: new Set(), root: '' };

const marked = new Marked({
  gfm: true,
  extensions: [
    {
      name: 'recorded',
      level: 'block',
      start: (src: string) => src.match(/^\{\{recorded:/m)?.index,
      tokenizer(src: string) {
        const m = /^\{\{recorded:\s*([\w.-]+)\s*\}\}[^\S\n]*(?:\n+|$)/.exec(src);
        return m ? { type: 'recorded', raw: m[0], name: m[1]! } : undefined;
      },
      renderer(token) {
        const name = (token as unknown as { name: string }).name;
        if (!ctx.lesson) return `<p>${esc(token.raw)}</p>`;
        return renderRecorded(ctx.lesson, name, { id: ctx.slugger.slug(`recorded-${name}`) }) + '\n';
      },
    },
  ],
  renderer: {
    code({ text, lang }: Tokens.Code) {
      return highlight(text, lang) + '\n';
    },
    heading({ tokens, depth }: Tokens.Heading) {
      const inner = this.parser.parseInline(tokens);
      const text = textOf(inner);
      const id = ctx.slugger.slug(text);
      if (depth === 2 || depth === 3) ctx.headings.push({ depth, id, text });
      return `<h${depth} id="${esc(id)}"><a class="anchor" href="#${esc(id)}" aria-hidden="true" tabindex="-1">#</a>${inner}</h${depth}>\n`;
    },
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      let target = href;
      // ../other-lesson/README.md or ../other-lesson/ -> that lesson's page.
      const m = /^(?:\.\.\/|\/?lessons\/)([\w-]+)\/?(?:README\.md)?(#.*)?$/.exec(href);
      if (m && ctx.lessonIds.has(m[1]!)) target = `${ctx.root}lessons/${m[1]}.html${m[2] ?? ''}`;
      const external = /^https?:\/\//.test(target);
      return `<a href="${esc(target)}"${title ? ` title="${esc(title)}"` : ''}${external ? ' rel="noopener"' : ''}>${inner}</a>`;
    },
    table(token: Tokens.Table) {
      const cell = (c: Tokens.TableCell, tag: 'th' | 'td') =>
        `<${tag}${c.align ? ` style="text-align:${c.align}"` : ''}>${this.parser.parseInline(c.tokens)}</${tag}>`;
      const head = `<tr>${token.header.map((c) => cell(c, 'th')).join('')}</tr>`;
      const rows = token.rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('');
      return `<div class="table-wrap"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>\n`;
    },
  },
});

export interface Rendered {
  html: string;
  headings: Heading[];
}

/** Renders a lesson's Markdown. Pass the same slugger for every part of one page. */
export function renderMarkdown(
  markdown: string,
  options: { lesson?: Lesson; slugger?: Slugger; lessonIds?: Set<string>; root?: string } = {},
): Rendered {
  const previous = ctx;
  ctx = { lesson: options.lesson, slugger: options.slugger ?? new Slugger(), headings: [], lessonIds: options.lessonIds ?? new Set(), root: options.root ?? '' };
  try {
    const html = marked.parse(markdown, { async: false });
    return { html, headings: ctx.headings };
  } finally {
    ctx = previous;
  }
}

/** Inline Markdown (a quiz question or option): no paragraphs. */
export function renderInline(markdown: string): string {
  return marked.parseInline(markdown, { async: false });
}

/** Drops a leading `# Title` line: the page shows the title from lesson.json. */
export const withoutTitle = (markdown: string) => markdown.replace(/^\s*# .*\n+/, '');
