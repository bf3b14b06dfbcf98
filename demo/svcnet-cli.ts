/** How to run this checkout's `svcnet` (from the TypeScript sources with tsx, or from dist/). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function svcnetArgv(): string[] {
  const ts = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
  const js = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (import.meta.url.endsWith('.ts') && existsSync(ts)) return [process.execPath, '--import', 'tsx', ts];
  return [process.execPath, js];
}

/** The same, as a shell command line. */
export function svcnetShell(): string {
  return svcnetArgv()
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
}

/** Rewrites `svcnet …` at the start of a command (or after a pipe) to run this checkout's CLI. */
export function withLocalSvcnet(cmdline: string): string {
  return cmdline.replace(/(^|[|;&]\s*)svcnet(?=\s)/g, (_, pre: string) => `${pre}${svcnetShell()}`);
}
