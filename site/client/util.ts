// Small helpers shared by the client modules.

/** From this page to the site root, as written by the build ('' or '../'). */
export const root = (): string => document.documentElement.dataset.root ?? '';

/** A URL relative to the site root, resolved against this page. */
export const siteUrl = (path: string): string => new URL(root() + path, location.href).href;

export const $ = <T extends Element = HTMLElement>(selector: string, scope: ParentNode = document): T | null => scope.querySelector<T>(selector);
export const $$ = <T extends Element = HTMLElement>(selector: string, scope: ParentNode = document): T[] => [...scope.querySelectorAll<T>(selector)];

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, html = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (html) node.innerHTML = html;
  return node;
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON the build put in the page: <script type="application/json" id="page-data">. */
export function pageData<T>(): T | undefined {
  const node = document.getElementById('page-data');
  return node?.textContent ? (JSON.parse(node.textContent) as T) : undefined;
}

/** True when focus is in a text field, where single-key shortcuts must not fire. */
export const typing = (e: Event): boolean => {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
};
