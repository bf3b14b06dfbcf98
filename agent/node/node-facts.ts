/** Facts about the machine for the Node object: addresses, CPUs, memory, OS, kernel. */
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import { createHash } from 'node:crypto';
import { bridgeName } from '../names.js';
import { architectureOf, osImageOf } from './node-object.js';

export function defaultNodeName(): string {
  return hostname().toLowerCase();
}

/**
 * The node's InternalIP: the first IPv4 address of an interface that is not loopback and not
 * svcnet's own (bridge, pod links). A node with nothing else (a bare test namespace) uses 127.0.0.1.
 */
export function detectNodeIP(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo' || name === bridgeName || name.startsWith('svcnet')) continue;
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

function readOr(path: string, fallback: string): string {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trim() : fallback;
  } catch {
    return fallback;
  }
}

export function machineFacts(name: string) {
  return {
    cpus: cpus().length,
    memoryKiB: Math.floor(totalmem() / 1024),
    osImage: osImageOf(readOr('/etc/os-release', '')),
    kernelVersion: release(),
    architecture: architectureOf(arch()),
    machineID: readOr('/etc/machine-id', createHash('md5').update(name).digest('hex')),
    bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
  };
}
