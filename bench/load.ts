/** Load-generation helpers the benchmarks share: bounded concurrency and a watch-stream reader. */
import { request } from 'node:https';
import type { ApiTarget } from '../testing/api-request.js';

/** Runs task(0..total-1) with at most `concurrency` in flight. */
export async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

/** Watches `path` from `rv` and calls `onEvent(event, arrivalTime)` for every JSON line. */
export function watchEvents<E = unknown>(t: ApiTarget, path: string, rv: string, onEvent: (event: E, at: number) => void): { close(): void } {
  const req = request(new URL(`${path}?watch=true&resourceVersion=${rv}`, t.url), { ca: t.ca, headers: { Authorization: `Bearer ${t.token}` } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onEvent(JSON.parse(line) as E, now);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { close: () => req.destroy() };
}
