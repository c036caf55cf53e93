// The outline highlights the section being read.
import { $$ } from './util.ts';

export function initOutline(): void {
  const links = $$<HTMLAnchorElement>('.outline-nav a');
  if (links.length === 0 || !('IntersectionObserver' in window)) return;
  const targets = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1)))).filter((t): t is HTMLElement => !!t);
  const visible = new Set<Element>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) (e.isIntersecting ? visible.add(e.target) : visible.delete(e.target));
      const first = targets.find((t) => visible.has(t));
      if (!first) return;
      for (const a of links) a.classList.toggle('active', a.hash === `#${first.id}`);
    },
    { rootMargin: '-64px 0px -60% 0px' },
  );
  for (const t of targets) observer.observe(t);
}
