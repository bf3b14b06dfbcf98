/** Where the walkthrough's manifests are, from the sources or from dist/. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder up with a package.json. */
export function repoRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The shared walkthrough fixtures: ../shared/fixtures/walkthrough next to the repository. */
export function defaultFixturesDir(): string {
  return resolve(repoRoot(), '..', 'shared', 'fixtures', 'walkthrough');
}

/** The demo's own manifests (tsc does not copy YAML into dist/, so look in the sources). */
export function manifestsDir(): string {
  return join(repoRoot(), 'demo', 'manifests');
}
