/**
 * The walkthrough as data: each step says what the user types, where it runs, which components
 * it needs, how long it may take to become true, and how to judge the real output.
 */

/** Components of `svcnet up` (as its `✓ <name>` lines call them) plus capabilities of the setting. */
export type Need =
  | 'controllers'
  | 'agent'
  | 'proxy'
  | 'dns'
  | 'ingress'
  /** `svcnet proxy render` exists in the CLI. */
  | 'proxy-render'
  /** A client outside the node (the e2e test's client namespace), so source addresses mean something. */
  | 'outside-client';

/** Values learnt by earlier steps (pod IP, cluster IP, node port, …) and given by the setting. */
export type Vars = Record<string, string>;

/** Where a command runs: on the node, or on a client outside it (both the host in `svcnet demo`). */
export type Where = 'node' | 'client';

export interface Cmd {
  /** The command line as the user types it, with {{var}} placeholders. Runs under `sh -c`. */
  cmd: string;
  where?: Where;
  timeoutMs?: number;
}

export interface Output {
  /** The command line that ran (placeholders filled). */
  cmd: string;
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived (what a terminal shows). */
  all: string;
  ms: number;
}

export type Verdict = { ok: true; vars?: Vars; note?: string } | { ok: false; reason: string };

export interface Step {
  /** Walkthrough number, e.g. `1.2`; a letter suffix (`6.1b`) splits one walkthrough step. */
  id: string;
  title: string;
  needs: Need[];
  /** Commands run once before `run` (apply a manifest, make a certificate); each must exit 0. */
  setup?: (string | Cmd)[];
  /** What the user types and looks at; re-run until `check` passes or `withinMs` has passed. */
  run: (string | Cmd)[];
  /** How long the step may take to become true (polling); 0 = judged on the first try. */
  withinMs?: number;
  /** Vars this step sets for later ones (documentation and "needs …" messages). */
  provides?: string[];
  check(run: Output[], vars: Vars): Verdict;
}

export const pass = (vars?: Vars, note?: string): Verdict => ({ ok: true, vars, note });
export const fail = (reason: string): Verdict => ({ ok: false, reason });
