/**
 * Tracks where a message body ends without copying it. Bodies are forwarded byte for byte (chunked
 * stays chunked), but the proxy must know the exact last byte to keep keep-alive correct and to
 * refuse a malformed chunk stream (a classic smuggling vector): sizes are 1-16 hex digits,
 * extensions and trailers are bounded, every line ends in CRLF.
 */

const enum S {
  Size,
  SizeExt,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  TrailerLf,
  FinalLf,
  Done,
}

const maxLineBytes = 4096;
const maxTrailerBytes = 16 * 1024;

export class FramingError extends Error {}

export class BodyFramer {
  /** Body bytes seen (decoded data only for chunked). */
  dataBytes = 0;
  done: boolean;
  readonly #untilClose: boolean;
  #remaining: number;
  readonly #chunked: boolean;
  #state = S.Size;
  #sizeDigits = 0;
  #lineBytes = 0;
  #trailerBytes = 0;

  /** length ≥ 0: Content-Length; chunked; or neither: read until the connection closes. */
  constructor(kind: 'length' | 'chunked' | 'close', length = 0) {
    this.#chunked = kind === 'chunked';
    this.#untilClose = kind === 'close';
    this.#remaining = kind === 'length' ? length : 0;
    this.done = kind === 'length' && length === 0;
  }

  /**
   * How many bytes of buf[start..] belong to the body; sets `done` at its last byte.
   * Throws FramingError on a malformed chunk stream.
   */
  consume(buf: Buffer, start: number): number {
    const avail = buf.length - start;
    if (this.done) return 0;
    if (this.#untilClose) {
      this.dataBytes += avail;
      return avail;
    }
    if (!this.#chunked) {
      const n = avail < this.#remaining ? avail : this.#remaining;
      this.#remaining -= n;
      this.dataBytes += n;
      if (this.#remaining === 0) this.done = true;
      return n;
    }
    return this.#consumeChunked(buf, start);
  }

  #consumeChunked(buf: Buffer, start: number): number {
    let i = start;
    const len = buf.length;
    while (i < len) {
      if (this.#state === S.Data) {
        const n = len - i < this.#remaining ? len - i : this.#remaining;
        i += n;
        this.#remaining -= n;
        this.dataBytes += n;
        if (this.#remaining === 0) this.#state = S.DataCr;
        continue;
      }
      const c = buf[i++];
      switch (this.#state) {
        case S.Size:
          if (isHex(c)) {
            if (++this.#sizeDigits > 16) throw new FramingError('chunk size too long');
            this.#remaining = this.#remaining * 16 + hexValue(c);
            if (this.#remaining > Number.MAX_SAFE_INTEGER / 16) throw new FramingError('chunk size too large');
          } else if (this.#sizeDigits === 0) throw new FramingError('missing chunk size');
          else if (c === 13) this.#state = S.SizeLf;
          else if (c === 59 /* ; */) this.#state = S.SizeExt;
          else throw new FramingError('bad chunk size');
          break;
        case S.SizeExt:
          if (++this.#lineBytes > maxLineBytes) throw new FramingError('chunk extension too long');
          if (c === 13) this.#state = S.SizeLf;
          else if (c === 10 || c === 0) throw new FramingError('bad chunk extension');
          break;
        case S.SizeLf:
          if (c !== 10) throw new FramingError('chunk size line without LF');
          this.#sizeDigits = 0;
          this.#lineBytes = 0;
          this.#state = this.#remaining === 0 ? S.TrailerStart : S.Data;
          break;
        case S.DataCr:
          if (c !== 13) throw new FramingError('chunk data not followed by CRLF');
          this.#state = S.DataLf;
          break;
        case S.DataLf:
          if (c !== 10) throw new FramingError('chunk data not followed by CRLF');
          this.#state = S.Size;
          break;
        case S.TrailerStart:
          if (c === 13) this.#state = S.FinalLf;
          else if (c === 10) throw new FramingError('bare LF in trailer');
          else this.#state = S.TrailerLine;
          this.#countTrailer();
          break;
        case S.TrailerLine:
          this.#countTrailer();
          if (c === 13) this.#state = S.TrailerLf;
          else if (c === 10) throw new FramingError('bare LF in trailer');
          break;
        case S.TrailerLf:
          if (c !== 10) throw new FramingError('trailer line without LF');
          this.#state = S.TrailerStart;
          break;
        case S.FinalLf:
          if (c !== 10) throw new FramingError('last chunk without final CRLF');
          this.#state = S.Done;
          this.done = true;
          return i - start;
      }
    }
    return i - start;
  }

  #countTrailer(): void {
    if (++this.#trailerBytes > maxTrailerBytes) throw new FramingError('trailers too long');
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}
