/**
 * Splits a watch stream into its JSON lines. Chunks end anywhere: in the middle of a line or of a
 * multi-byte UTF-8 character, so bytes are decoded with a StringDecoder and the unfinished tail is
 * kept for the next chunk.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  #decoder = new StringDecoder('utf8');
  #tail = '';

  /** The complete, non-blank lines this chunk finishes. */
  push(chunk: Buffer | string): string[] {
    const text = this.#tail + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    const parts = text.split('\n');
    this.#tail = parts.pop() ?? '';
    return parts.map((l) => l.trim()).filter((l) => l !== '');
  }

  /** What is left at the end of the stream (a last line without `\n`), or ''. */
  flush(): string {
    const rest = (this.#tail + this.#decoder.end()).trim();
    this.#tail = '';
    return rest;
  }
}
