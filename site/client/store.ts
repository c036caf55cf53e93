// Everything the site remembers lives in localStorage under `workbook:` keys. Storage can be
// unavailable (private mode, file://): then nothing is remembered and nothing breaks.

export function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`workbook:${key}`);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(`workbook:${key}`, JSON.stringify(value));
  } catch {
    // Not remembered; the page still works.
  }
}

export interface Answer {
  choice: string;
  correct: boolean;
  at: string;
}

/** Quiz answers by item key (`<lesson>/<item id>`). */
export const answers = (): Record<string, Answer> => load<Record<string, Answer>>('quiz', {});
export const saveAnswers = (all: Record<string, Answer>): void => save('quiz', all);
