/**
 * The shell userland of busybox/alpine-like images: one directory of symlinks, applet → the node's
 * busybox, plus the node's `dig`, first on every container's PATH. One shared read-only directory
 * per node rather than one per pod: the links are identical for every pod, and 200 pods × 300
 * links would only cost inodes and start-up time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../common/log.js';

const log = logger('agent/userland');
const extraTools: Record<string, string> = { dig: '/usr/bin/dig' };

export function ensureUserland(binDir: string, busybox = '/usr/bin/busybox'): void {
  mkdirSync(binDir, { recursive: true });
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) {
    log.warn('busybox not found: busybox/alpine images will use the node\'s own tools', { busybox });
  } else {
    for (const applet of list.stdout.split('\n').filter(Boolean)) {
      const link = join(binDir, applet);
      if (!existsSync(link)) symlinkSync(busybox, link);
    }
  }
  for (const [name, target] of Object.entries(extraTools)) {
    const link = join(binDir, name);
    if (existsSync(target) && !existsSync(link)) symlinkSync(target, link);
  }
}
