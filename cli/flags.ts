/** Flag parsing shared by the subcommands (node:util parseArgs with kebab-case long options). */
import { parseArgs } from 'node:util';
import { SvcnetError } from '../common/errors.js';

export class CliError extends SvcnetError {
  constructor(message: string) {
    super('CliError', message);
  }
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean; help: string; multiple?: boolean }>;

export function parseFlags<T extends FlagSpec>(argv: string[], spec: T, command: string): { values: Record<keyof T, string | boolean | string[] | undefined>; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; default?: string | boolean | string[]; multiple?: boolean }> = { help: { type: 'boolean' } };
  for (const [name, f] of Object.entries(spec)) {
    // parseArgs refuses keys that are present but undefined.
    const o: { type: 'string' | 'boolean'; default?: string | boolean | string[]; multiple?: boolean } = { type: f.type };
    if (f.multiple) o.multiple = true;
    if (f.default !== undefined) o.default = f.multiple && typeof f.default === 'string' ? (f.default ? [f.default] : []) : f.default;
    options[name] = o as never;
  }
  try {
    const { values } = parseArgs({ args: argv, options: options as never, allowPositionals: false, strict: true });
    return { values: values as never, help: Boolean((values as { help?: boolean }).help) };
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message}`);
  }
}

export function flagHelp(command: string, summary: string, spec: FlagSpec): string {
  const lines = Object.entries(spec).map(([n, f]) => `  --${n}${f.type === 'string' ? ' VALUE' : ''}\n      ${f.help}${f.default !== undefined && f.default !== '' ? ` (default ${JSON.stringify(f.default)})` : ''}`);
  return `Usage: svcnet ${command} [flags]\n\n${summary}\n\nFlags:\n${lines.join('\n')}\n`;
}

/**
 * A command's start: parses its flags, or prints its help and returns undefined (the command then
 * exits 0).
 */
export function parseCommand<T extends FlagSpec>(argv: string[], spec: T, command: string, summary: string): Record<keyof T, string | boolean | string[] | undefined> | undefined {
  const { values, help } = parseFlags(argv, spec, command);
  if (!help) return values;
  process.stdout.write(flagHelp(command, summary, spec));
  return undefined;
}

/** Root keeps its state in /var/lib/svcnet; other users in ~/.local/share/svcnet. */
export function defaultDataDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/svcnet';
  return `${process.env.HOME ?? '.'}/.local/share/svcnet`;
}

let signalled: Promise<string> | undefined;

/**
 * Resolves when SIGTERM or SIGINT arrives. Daemons call it before they start anything, so a
 * signal sent the moment they print "ready" (or while they start) is caught and leads to a clean
 * shutdown instead of the default action, which kills the process with nothing cleaned up.
 */
export function untilSignal(): Promise<string> {
  signalled ??= new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
  return signalled;
}
