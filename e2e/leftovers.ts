/**
 * What a stopped svcnet may have left on the node: pod namespaces, svcnet links, kube-proxy
 * chains or nft tables in the node namespace, and processes (in the node namespace, or with the
 * data dir on their command line). Each leftover is one readable line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sh, type NodeLab } from './node-lab.js';

function podNamespaces(lab: NodeLab): string[] {
  const names = sh(['ip', 'netns', 'list'], false).split('\n').map((l) => l.split(' ')[0]);
  return names.filter((n) => [...lab.podHashes].some((h) => n === `svcnet-${h}`)).map((n) => `network namespace ${n}`);
}

function links(lab: NodeLab): string[] {
  const inNode = [...sh(['ip', '-n', lab.nodeNetns, '-o', 'link', 'show'], false).matchAll(/^\d+: (svcnet[^@:]*)/gm)].map((m) => `link ${m[1]} in the node namespace`);
  const onHost = [...sh(['ip', '-o', 'link', 'show'], false).matchAll(/^\d+: svcnet([0-9a-f]{9})[@:]/gm)].filter((m) => lab.podHashes.has(m[1])).map((m) => `link svcnet${m[1]} on the host`);
  return [...inNode, ...onHost];
}

function kernelRules(lab: NodeLab): string[] {
  const save = sh(['ip', 'netns', 'exec', lab.nodeNetns, 'iptables-save'], false);
  const chains = [...save.matchAll(/^:(KUBE-\S+)/gm)].map((m) => `iptables chain ${m[1]}`);
  const tables = sh(['ip', 'netns', 'exec', lab.nodeNetns, 'nft', 'list', 'tables'], false)
    .split('\n')
    .filter((l) => /kube-proxy|svcnet/.test(l))
    .map((l) => `nft ${l.trim()}`);
  return [...chains, ...tables];
}

function processes(lab: NodeLab): string[] {
  const inNode = sh(['ip', 'netns', 'pids', lab.nodeNetns], false).split(/\s+/).filter(Boolean);
  const withDataDir: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(lab.dataDir)) withDataDir.push(`${pid} (${cmd.trim().slice(0, 80)})`);
    } catch {
      // exited while we looked
    }
  }
  return [...inNode.map((p) => `process ${p} in the node namespace`), ...withDataDir.map((p) => `process ${p}`)];
}

export function leftovers(lab: NodeLab): string[] {
  return [...podNamespaces(lab), ...links(lab), ...kernelRules(lab), ...processes(lab)];
}
