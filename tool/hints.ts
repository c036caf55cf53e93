// Hints come one tier at a time; how many the learner has seen is part of their progress.
import type { Lesson } from './lessons.ts';
import { lessonProgress, updateProgress } from './progress.ts';

export function revealNextHint(lesson: Lesson): string {
  if (lesson.hints.length === 0) return `The lesson ${lesson.id} has no hints.`;
  let shown = 0;
  updateProgress((p) => {
    const entry = lessonProgress(p, lesson.id);
    entry.hintsShown = Math.min((entry.hintsShown ?? 0) + 1, lesson.hints.length);
    shown = entry.hintsShown;
  });
  const tiers = lesson.hints.slice(0, shown).map((text, i) => `Hint ${i + 1} of ${lesson.hints.length}:\n${text}`);
  const more = shown < lesson.hints.length ? 'Ask again for the next hint.' : 'That was the last hint. The reference solution is one step further: npm run solution -- ' + lesson.id;
  // Named, because with no lesson given the hint is for the current one, which the learner may not have in mind.
  return [`${lesson.title} (${lesson.id})`, ...tiers, more].join('\n\n');
}
