/** {{name}} placeholders in command lines, filled from the vars earlier steps and the setting gave. */
import type { Vars } from './types.js';

const placeholder = /\{\{(\w+)\}\}/g;

export function placeholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]);
}

/** The names a template needs that `vars` lacks. */
export function missingVars(template: string, vars: Vars): string[] {
  return placeholders(template).filter((n) => vars[n] === undefined);
}

export function fill(template: string, vars: Vars): string {
  return template.replace(placeholder, (_, n: string) => {
    if (vars[n] === undefined) throw new Error(`no value for {{${n}}}`);
    return vars[n];
  });
}
