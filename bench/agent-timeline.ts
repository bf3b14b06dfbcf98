/**
 * Per-pod start timeline of the agent benchmark: the bench's own marks (create sent, create
 * answered, Ready seen by its watch) joined with the agent's (agent/trace.ts, SVCNET_AGENT_TRACE),
 * all wall-clock milliseconds. Summarized per step as the time since "create sent" and the time
 * since the step before, p50/p99 over the pods.
 */
import { readFileSync } from 'node:fs';
import { percentile, round, summarize } from './stats.js';

export interface Mark {
  pod: string;
  step: string;
  t: number;
  ready?: boolean;
}

/** Steps in the order a pod goes through them; status-sent/acked are those of the patch that made it Ready. */
export const timelineSteps = ['create-sent', 'created', 'seen', 'sync', 'net-requested', 'net-ready', 'spawn-requested', 'spawned', 'status-sent', 'status-acked', 'ready-seen'] as const;

export function readMarks(path: string): Mark[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Mark);
  } catch {
    return [];
  }
}

/** Time of each step per pod: the first mark of it (for the status steps, the first with ready=true). */
function stepTimes(marks: Mark[]): Map<string, Map<string, number>> {
  const byPod = new Map<string, Map<string, number>>();
  for (const m of marks) {
    const isStatus = m.step === 'status-sent' || m.step === 'status-acked';
    if (isStatus && !m.ready) continue;
    let steps = byPod.get(m.pod);
    if (!steps) byPod.set(m.pod, (steps = new Map()));
    if (!steps.has(m.step)) steps.set(m.step, m.t);
  }
  return byPod;
}

export interface StepSummary {
  step: string;
  /** ms since create sent */
  sinceCreate: { p50: number; p99: number };
  /** ms since the step before */
  sincePrevious: { p50: number; p99: number };
}

export function summarizeTimeline(marks: Mark[], pods: string[]): StepSummary[] {
  const byPod = stepTimes(marks);
  const out: StepSummary[] = [];
  let previous: string | undefined;
  for (const step of timelineSteps) {
    const since: number[] = [];
    const delta: number[] = [];
    for (const pod of pods) {
      const s = byPod.get(pod);
      const t = s?.get(step);
      const t0 = s?.get('create-sent');
      if (t === undefined || t0 === undefined) continue;
      since.push(t - t0);
      const tp = previous ? s!.get(previous) : undefined;
      if (tp !== undefined) delta.push(t - tp);
    }
    if (since.length === 0) continue;
    const stat = (v: number[]) => ({ p50: round(percentile(v, 50)), p99: round(percentile(v, 99)) });
    out.push({ step, sinceCreate: stat(since), sincePrevious: delta.length ? stat(delta) : { p50: 0, p99: 0 } });
    previous = step;
  }
  return out;
}

/** p50/p99/max over the pods of the time from step `from` to step `to` (pods lacking either are left out). */
export function spanStats(marks: Mark[], pods: string[], from: string, to: string): { n: number; p50: number; p99: number; max: number } {
  const byPod = stepTimes(marks);
  const spans = pods.flatMap((p) => {
    const a = byPod.get(p)?.get(from);
    const b = byPod.get(p)?.get(to);
    return a === undefined || b === undefined ? [] : [b - a];
  });
  return summarize(spans);
}
