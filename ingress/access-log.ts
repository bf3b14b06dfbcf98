/**
 * Access log lines, batched: one write per 100 ms or 64 KiB instead of one per request (a
 * synchronous write per request would cost the data plane a large share of its throughput).
 */
export interface AccessLog {
  line(text: string): void;
  flush(): void;
  close(): void;
}

export function batchedAccessLog(write: (chunk: string) => void = (c) => process.stdout.write(c)): AccessLog {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (buf.length === 0) return;
    const chunk = buf.join('\n') + '\n';
    buf = [];
    size = 0;
    write(chunk);
  };
  const timer = setInterval(flush, 100).unref();
  let lastMs = 0;
  let iso = '';
  return {
    line(text: string) {
      const now = Date.now();
      if (now !== lastMs) iso = new Date((lastMs = now)).toISOString();
      buf.push(`${iso} level=info component=ingress-access ${text}`);
      size += text.length;
      if (size > 64 * 1024) flush();
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
