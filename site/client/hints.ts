// Hints one tier at a time: a tier appears only once the one before it has been opened.
import { load, save } from './store.ts';
import { $$ } from './util.ts';

export function initHints(): void {
  for (const group of $$('.hints')) {
    const key = `hints:${group.dataset.lesson ?? ''}`;
    const tiers = $$<HTMLDetailsElement>('details.hint', group);
    let shown = Math.min(load<number>(key, 0), tiers.length);
    const update = () => {
      tiers.forEach((tier, i) => {
        tier.hidden = i > shown;
        if (i < shown) tier.open = true;
      });
    };
    tiers.forEach((tier, i) => {
      tier.addEventListener('toggle', () => {
        if (tier.open && i + 1 > shown) {
          shown = i + 1;
          save(key, shown);
          update();
        }
      });
    });
    update();
  }
}
