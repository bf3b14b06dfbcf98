/** A POSIX shell word (for scripts the agent composes: exec with a tty, sandbox holders). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./=:,@%+]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
