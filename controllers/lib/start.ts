/**
 * How every controller starts: on the informers of a shared factory (the manager's, so each kind
 * is watched once per process) or on a factory of its own, which it then also stops.
 */
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient } from '../../client/rest.js';

export interface RunningController {
  stop(): Promise<void>;
  /** Resolves when the controller has no work queued or running (tests). */
  idle(): Promise<void>;
}

interface ControllerLoop {
  stop(): void;
  idle(): Promise<void>;
}

export function runOnInformers(client: ApiClient, shared: InformerFactory | undefined, make: (informers: InformerFactory) => ControllerLoop): RunningController {
  const informers = shared ?? new InformerFactory(client);
  const controller = make(informers);
  // Starting is idempotent: a shared factory started here early is simply running already.
  informers.start();
  return {
    stop: async () => {
      controller.stop();
      if (!shared) await informers.stop();
    },
    idle: () => controller.idle(),
  };
}
