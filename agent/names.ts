/**
 * Names of everything the agent makes on the node. Pod namespaces and host-side links carry the
 * `svcnet` prefix plus a short hash of the pod UID, so a later agent (or `svcnet down`) can find
 * them again. Interface names are limited to 15 bytes: "svcnet" (6) + 9 hex digits.
 */
import { createHash, randomBytes } from 'node:crypto';

export const bridgeName = 'svcnet0';
const hashLength = 9;

/** 9 hex digits of sha256(uid): 36 bits, so 200 pods collide with odds of about 1 in 3 million. */
export function podHash(uid: string): string {
  return createHash('sha256').update(uid).digest('hex').slice(0, hashLength);
}

/** A hash for a sandbox made before its pod is known (the sandbox pool); same length as podHash. */
export function randomSandboxHash(): string {
  return randomBytes(Math.ceil(hashLength / 2)).toString('hex').slice(0, hashLength);
}

const hashPattern = new RegExp(`^[0-9a-f]{${hashLength}}$`);

/** Whether a file name is a sandbox hash (pool markers and sandbox directories are named by one). */
export function isSandboxHash(name: string): boolean {
  return hashPattern.test(name);
}

export function podNetnsName(hash: string): string {
  return `svcnet-${hash}`;
}

export function hostLinkName(hash: string): string {
  return `svcnet${hash}`;
}

const netnsPattern = new RegExp(`^svcnet-([0-9a-f]{${hashLength}})$`);
const linkPattern = new RegExp(`^svcnet([0-9a-f]{${hashLength}})$`);

/** The hash in a pod namespace name, or undefined for other namespaces (e.g. tests' `svcnet-t-…`). */
export function hashOfNetns(name: string): string | undefined {
  return netnsPattern.exec(name)?.[1];
}

export function hashOfHostLink(name: string): string | undefined {
  return linkPattern.exec(name)?.[1];
}
