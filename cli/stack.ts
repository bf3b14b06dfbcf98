/**
 * The whole svcnet stack in one process, as `svcnet up` runs it: components started in order
 * (each one reads the API through the client library, exactly as it would against a real
 * cluster), a line of progress as each becomes ready, and a clean stop in reverse order.
 */
import { startApiServer, type ApiServer, type ApiServerOptions } from '../api/server/server.js';
import { clientFromKubeconfig } from '../client/kubeconfig.js';
import type { ApiClient } from '../client/rest.js';
import { startControllers } from '../controllers/manager.js';

export interface StackOptions {
  server: ApiServerOptions;
  /** Components to run; the API server always runs. */
  components: Set<ComponentName>;
  lbPool: string[];
  /** Called once per component as it becomes ready. */
  onReady?: (name: ComponentName, summary: string, ms: number) => void;
}

export const componentNames = ['controllers'] as const;
export type ComponentName = 'api-server' | (typeof componentNames)[number];

export interface Stack {
  server: ApiServer;
  client: ApiClient;
  /** Stops every component, last started first. */
  stop(): Promise<void>;
}

interface Running {
  name: ComponentName;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const running: Running[] = [];
  const timed = async <T>(name: ComponentName, start: () => Promise<T>, summary: (v: T) => string): Promise<T> => {
    const t0 = Date.now();
    const value = await start();
    opts.onReady?.(name, summary(value), Date.now() - t0);
    return value;
  };
  const stopAll = async () => {
    for (const r of running.splice(0).reverse()) {
      try {
        await r.stop();
      } catch (err) {
        process.stderr.write(`svcnet: stopping ${r.name}: ${(err as Error).message}\n`);
      }
    }
  };
  try {
    const server = await timed(
      'api-server',
      () => startApiServer(opts.server),
      (s) => s.url,
    );
    running.push({ name: 'api-server', stop: () => server.close() });
    const client = await clientFromKubeconfig({ path: server.kubeconfigPath });
    if (opts.components.has('controllers')) {
      const manager = await timed('controllers', () => startControllers({ client, lbPool: opts.lbPool }), () => 'deployments, replica sets, scheduler, endpoints, garbage collector, namespaces, load balancers');
      running.push({ name: 'controllers', stop: () => manager.stop() });
    }
    return { server, client, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
