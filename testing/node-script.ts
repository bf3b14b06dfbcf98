/**
 * Node arguments that run a sibling script of a test, whether the tests run from TypeScript
 * sources (with tsx) or from the compiled dist/ tree (plain node): `name` without extension.
 */
import { fileURLToPath } from 'node:url';

export function nodeScriptArgs(name: string, fromUrl: string): string[] {
  const fromSource = fromUrl.endsWith('.ts');
  const path = fileURLToPath(new URL(`${name}.${fromSource ? 'ts' : 'js'}`, fromUrl));
  return fromSource ? ['--import', 'tsx', path] : [path];
}
