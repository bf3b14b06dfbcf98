/**
 * `svcnet down`: stops a running `svcnet up` (SIGTERM, which makes it remove every namespace,
 * link, rule and process it created) and waits for it to exit; `--purge` also deletes the data dir.
 */
import { rmSync } from 'node:fs';
import { defaultDataDir, parseCommand, type FlagSpec } from './flags.js';
import { runningPid } from './pidfile.js';

const flags = {
  'data-dir': { type: 'string', default: '', help: 'the data dir of the stack to stop (root: /var/lib/svcnet)' },
  purge: { type: 'boolean', default: false, help: 'also delete the data dir (store, PKI, kubeconfig)' },
  timeout: { type: 'string', default: '60', help: 'seconds to wait for the stack to stop before SIGKILL' },
} satisfies FlagSpec;

export async function runDown(argv: string[]): Promise<number> {
  const values = parseCommand(argv, flags, 'down', 'Stops svcnet and removes what it created on the node; keeps the data dir unless --purge.');
  if (!values) return 0;
  const dataDir = (values['data-dir'] as string) || defaultDataDir();
  const pid = runningPid(dataDir);
  if (pid) {
    process.stdout.write(`stopping svcnet (pid ${pid})…\n`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + Number(values.timeout) * 1000;
    while (runningPid(dataDir) === pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (runningPid(dataDir) === pid) {
      process.stderr.write(`svcnet (pid ${pid}) did not stop in ${values.timeout}s; sending SIGKILL\n`);
      process.kill(pid, 'SIGKILL');
    }
    process.stdout.write('svcnet stopped\n');
  } else {
    process.stdout.write('svcnet is not running\n');
  }
  if (values.purge) {
    rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write(`removed ${dataDir}\n`);
  }
  return 0;
}
