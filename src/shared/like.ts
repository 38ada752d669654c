/** Escapes LIKE wildcards so that `%`, `_` and `\` in user input are matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
