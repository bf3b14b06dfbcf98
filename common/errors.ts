/**
 * The one base error of svcnet. Every error a component raises on purpose is a SvcnetError with a
 * stable `code`, so callers branch on codes instead of message text.
 */
export class SvcnetError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SvcnetError';
    this.code = code;
  }
}
