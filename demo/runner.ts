/**
 * Runs walkthrough steps in order against a live stack: prints each command and its real output
 * (trimmed), then ✓ or ✗ with the reason; stops at the first failure unless keepGoing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { excerpt } from './checks.js';
import { run } from './shell.js';
import { withLocalSvcnet } from './svcnet-cli.js';
import { fill, missingVars } from './template.js';
import type { Cmd, Need, Output, Step, Vars, Where } from './types.js';

export interface RunnerOptions {
  /** Where the admin kubeconfig is (the stack's data dir). */
  kubeconfig: string;
  fixturesDir: string;
  manifestsDir: string;
  /** Network namespaces for node-side and client-side commands (none: the host). */
  nodeNetns?: string;
  clientNetns?: string;
  /** What the stack runs and the setting offers; steps needing anything else are skipped. */
  have: Set<Need>;
  /** The setting: nodeAddress, and optionally clientAddress, clusterCIDR, serviceCIDR, … */
  vars: Vars;
  keepGoing?: boolean;
  /** Prints progress; default: nothing. */
  print?: (text: string) => void;
  pollIntervalMs?: number;
}

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  id: string;
  title: string;
  status: StepStatus;
  reason?: string;
  ms: number;
  tries: number;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  results: StepResult[];
}

/** Kubernetes' defaults (design.md); the setting may override any of them. */
export const defaultVars: Vars = {
  clusterCIDR: '10.244.0.0/16',
  serviceCIDR: '10.96.0.0/12',
  kubernetesIP: '10.96.0.1',
  dnsIP: '10.96.0.10',
  clusterDomain: 'cluster.local',
};

const needNames: Record<Need, string> = {
  controllers: 'the controllers',
  agent: 'the node agent',
  proxy: 'svcnet proxy',
  dns: 'svcnet dns',
  ingress: 'svcnet ingress',
  'proxy-render': '`svcnet proxy render`',
  'outside-client': 'a client outside the node (the e2e test has one; the demo runs on the node)',
};

export class WalkthroughRunner {
  readonly vars: Vars;
  readonly tmp: string;
  /** Which step set each var (for "needs …" messages). */
  private readonly setBy = new Map<string, string>();
  /** Which step is meant to set each var (for "needs …" messages before it ran). */
  private readonly stepsProviding = new Map<string, string>();
  private failedBefore = false;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: RunnerOptions) {
    this.tmp = mkdtempSync(join(tmpdir(), 'svcnet-demo-'));
    this.vars = { ...defaultVars, ...opts.vars, fixtures: opts.fixturesDir, manifests: opts.manifestsDir, tmp: this.tmp, kubeconfig: opts.kubeconfig };
    // curl shows no progress meter on a terminal; captured, it would, so turn it off as a terminal would.
    writeFileSync(join(this.tmp, '.curlrc'), 'no-progress-meter\n');
    this.env = { ...process.env, KUBECONFIG: opts.kubeconfig, KUBECACHEDIR: join(this.tmp, 'kube-cache'), CURL_HOME: this.tmp, LANG: 'C' };
  }

  /** Replaces what the stack is known to offer (once it has been detected). */
  setHave(have: Set<Need>): void {
    this.opts.have = have;
  }

  private print(text: string): void {
    this.opts.print?.(text);
  }

  /** Runs one command where it belongs (node or client namespace). */
  exec(cmdline: string, where: Where = 'node', timeoutMs = 30_000): Promise<Output> {
    const netns = where === 'client' ? (this.opts.clientNetns ?? this.opts.nodeNetns) : this.opts.nodeNetns;
    return run(withLocalSvcnet(cmdline), { netns, env: this.env, timeoutMs }).then((o) => ({ ...o, cmd: cmdline }));
  }

  private whyNot(step: Step): string | undefined {
    const missing = step.needs.filter((n) => !this.opts.have.has(n));
    if (missing.length) return `needs ${missing.map((n) => needNames[n]).join(', ')}, which this stack does not have`;
    const templates = [...(step.setup ?? []), ...step.run].map((c) => (typeof c === 'string' ? c : c.cmd));
    const vars = [...new Set(templates.flatMap((t) => missingVars(t, this.vars)))];
    if (vars.length) return `needs ${vars.map((v) => `{{${v}}}`).join(', ')}, which ${vars.map((v) => this.producerOf(v)).join(', ')} sets; it did not pass`;
    return undefined;
  }

  private noteProvides(steps: Step[]): void {
    for (const step of steps) for (const v of step.provides ?? []) if (!this.stepsProviding.has(v)) this.stepsProviding.set(v, step.id);
  }

  private producerOf(v: string): string {
    return this.setBy.get(v) ?? `step ${this.stepsProviding.get(v) ?? '?'}`;
  }

  private async runCmds(cmds: (string | Cmd)[], show: boolean): Promise<Output[]> {
    const outs: Output[] = [];
    for (const c of cmds) {
      const cmd = typeof c === 'string' ? { cmd: c } : c;
      const out = await this.exec(fill(cmd.cmd, this.vars), cmd.where, cmd.timeoutMs);
      outs.push(out);
      if (show) this.show(out, cmd.where);
    }
    return outs;
  }

  private show(out: Output, where: Where = 'node'): void {
    const prompt = where === 'client' && this.opts.clientNetns ? 'client$' : '$';
    const text = excerpt(out.all.replace(/\r$/gm, ''), 30);
    this.print(`${prompt} ${out.cmd}\n${text ? `${text.replace(/^/gm, '  ')}\n` : ''}`);
  }

  async runStep(step: Step): Promise<StepResult> {
    const t0 = Date.now();
    const result = (status: StepStatus, tries: number, reason?: string): StepResult => ({ id: step.id, title: step.title, status, reason, ms: Date.now() - t0, tries });
    this.print(`\n── ${step.id} ${step.title}\n`);
    this.noteProvides([step]);
    const skip = this.failedBefore && !this.opts.keepGoing ? 'an earlier step failed (--keep-going runs on)' : this.whyNot(step);
    if (skip) {
      this.print(`- ${step.id} skipped: ${skip}\n`);
      return result('skipped', 0, skip);
    }
    const setupOuts = await this.runCmds(step.setup ?? [], true);
    const badSetup = setupOuts.find((o) => o.code !== 0);
    if (badSetup) return this.finish(result('failed', 0, `setup command failed: ${badSetup.cmd}: ${badSetup.all.trim().slice(0, 300)}`));
    return this.finish(await this.poll(step, result));
  }

  /** Re-runs the step's commands until its check passes or its time is up. */
  private async poll(step: Step, result: (s: StepStatus, tries: number, reason?: string) => StepResult): Promise<StepResult> {
    const deadline = Date.now() + (step.withinMs ?? 0);
    for (let tries = 1; ; tries++) {
      const outs = await this.runCmds(step.run, false);
      let verdict;
      try {
        verdict = step.check(outs, this.vars);
      } catch (err) {
        verdict = { ok: false as const, reason: `check threw: ${(err as Error).message}` };
      }
      const last = verdict.ok || Date.now() + (this.opts.pollIntervalMs ?? 1000) > deadline;
      if (!last) {
        // Say once that we wait, so a long poll (pods starting) does not look like a hang.
        if (tries === 1) this.print(`  … not yet, trying again for up to ${Math.round((step.withinMs ?? 0) / 1000)} s\n`);
        await new Promise((r) => setTimeout(r, this.opts.pollIntervalMs ?? 1000));
        continue;
      }
      for (const [i, o] of outs.entries()) {
        const c = step.run[i];
        this.show(o, typeof c === 'string' ? 'node' : c.where);
      }
      if (!verdict.ok) return result('failed', tries, step.withinMs ? `${verdict.reason} (still so after ${((step.withinMs ?? 0) / 1000).toFixed(0)} s)` : verdict.reason);
      for (const [k, v] of Object.entries(verdict.vars ?? {})) {
        this.vars[k] = v;
        this.setBy.set(k, `step ${step.id}`);
      }
      return result('passed', tries, verdict.note);
    }
  }

  private finish(r: StepResult): StepResult {
    const secs = `${(r.ms / 1000).toFixed(1)} s${r.tries > 1 ? `, ${r.tries} tries` : ''}`;
    if (r.status === 'passed') this.print(`✓ ${r.id} (${secs})${r.reason ? ` ${r.reason}` : ''}\n`);
    else {
      this.failedBefore = true;
      this.print(`✗ ${r.id} ${r.reason} (${secs})\n`);
    }
    return r;
  }

  /**
   * Runs the selected steps in order. Unselected steps that provide vars (pod IP, cluster IP, …)
   * still have their observing commands run quietly, never their setup, so `--from 5.1` works
   * against a stack where §1-§4 were done before.
   */
  async runAll(steps: Step[], selected: (s: Step) => boolean = () => true): Promise<Summary> {
    const t0 = Date.now();
    const results: StepResult[] = [];
    this.noteProvides(steps);
    for (const step of steps) {
      if (selected(step)) results.push(await this.runStep(step));
      else if (step.provides?.length) await this.learnVars(step);
    }
    return summarize(results, Date.now() - t0);
  }

  private async learnVars(step: Step): Promise<void> {
    if (this.whyNot(step)) return;
    const verdict = step.check(await this.runCmds(step.run, false), this.vars);
    if (!verdict.ok) return;
    for (const [k, v] of Object.entries(verdict.vars ?? {})) {
      this.vars[k] = v;
      this.setBy.set(k, `step ${step.id}`);
    }
  }

  /** Runs commands quietly, ignoring failures (cleanup). */
  async runQuietly(cmds: string[]): Promise<void> {
    for (const c of cmds) await this.exec(fill(c, this.vars));
  }

  close(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export function summarize(results: StepResult[], ms: number): Summary {
  const count = (s: StepStatus) => results.filter((r) => r.status === s).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), ms, results };
}

export function formatSummary(s: Summary): string {
  const lines = [`\n${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${(s.ms / 1000).toFixed(1)} s`];
  for (const r of s.results.filter((x) => x.status !== 'passed')) lines.push(`  ${r.status === 'failed' ? '✗' : '-'} ${r.id} ${r.title}: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}
