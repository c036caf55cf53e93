// A copy button on every code block.
import { $$, el } from './util.ts';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function initCopyButtons(scope: ParentNode = document): void {
  for (const block of $$('.code', scope)) {
    if (block.querySelector(':scope > .copy')) continue;
    const button = el('button', { type: 'button', class: 'copy', 'aria-label': 'Copy code', title: 'Copy' }, '<span>Copy</span>');
    button.addEventListener('click', async () => {
      const pre = block.querySelector('pre');
      const ok = await copyText(pre?.textContent ?? '');
      button.classList.toggle('copied', ok);
      button.firstElementChild!.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => {
        button.classList.remove('copied');
        button.firstElementChild!.textContent = 'Copy';
      }, 1600);
    });
    block.append(button);
  }
}
