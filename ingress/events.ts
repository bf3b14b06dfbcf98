/**
 * Compile problems → Warning events on the Ingress concerned, once per distinct problem set (a
 * compile runs on every EndpointSlice change; repeating the same event each time would be spam).
 */
import type { KubeObject } from '../api/types.js';
import { logger } from '../common/log.js';
import type { CompileProblem } from './model.js';

const log = logger('ingress');

export interface EventSink {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export class ProblemReporter {
  readonly #sink: EventSink | undefined;
  /** "ns/name" → the problems last reported for it. */
  #last = new Map<string, string>();

  constructor(sink: EventSink | undefined) {
    this.#sink = sink;
  }

  report(problems: CompileProblem[], ingresses: ReadonlyMap<string, KubeObject>): void {
    const byIngress = new Map<string, CompileProblem[]>();
    for (const p of problems) {
      const key = `${p.ingress.namespace}/${p.ingress.name}`;
      const list = byIngress.get(key);
      if (list) list.push(p);
      else byIngress.set(key, [p]);
    }
    const next = new Map<string, string>();
    for (const [key, list] of byIngress) {
      const signature = list.map((p) => `${p.reason}:${p.message}`).join('\n');
      next.set(key, signature);
      if (this.#last.get(key) === signature) continue;
      for (const p of list) {
        log.warn('ingress problem', { ingress: key, reason: p.reason, message: p.message });
        const obj = ingresses.get(key);
        if (obj && this.#sink) this.#sink.event(obj, 'Warning', p.reason, p.message);
      }
    }
    this.#last = next;
  }
}
