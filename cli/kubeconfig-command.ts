/** `svcnet kubeconfig`: prints the admin kubeconfig of a data dir (for `export KUBECONFIG` elsewhere). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, defaultDataDir, parseCommand, type FlagSpec } from './flags.js';

const flags = { 'data-dir': { type: 'string', default: '', help: 'the data dir of a running or stopped server' } } satisfies FlagSpec;

export async function runKubeconfig(argv: string[]): Promise<number> {
  const values = parseCommand(argv, flags, 'kubeconfig', 'Prints the admin kubeconfig.');
  if (!values) return 0;
  const path = join((values['data-dir'] as string) || defaultDataDir(), 'kubeconfig.yaml');
  try {
    process.stdout.write(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`no kubeconfig at ${path}: start the server first (svcnet up or svcnet server)`);
  }
  return 0;
}
