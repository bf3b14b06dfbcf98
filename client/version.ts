/** svcnet's own version, read once from package.json (from the source tree and from dist/). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'svcnet' && pkg.version) return pkg.version;
    } catch {
      // Not at this level; try the next one.
    }
  }
  return '0.0.0';
}

export const svcnetVersion = readVersion();
export const defaultUserAgent = `svcnet/${svcnetVersion}`;
