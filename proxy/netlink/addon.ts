/**
 * The native half of the netlink path (native/nfnetlink.c, built by `npm ci` through node-gyp):
 * send one nf_tables batch, optionally inside a named network namespace, and return the kernel's
 * errors. Absent (not built, other platform) or disabled (SVCNET_NFT_NETLINK=0), callers use nft.
 */
import { createRequire } from 'node:module';
import { logger } from '../../common/log.js';

const log = logger('proxy/netlink');

export interface KernelError {
  /** Sequence number of the failing message (0: errors were lost). */
  readonly seq: number;
  readonly errno: number;
  readonly message: string;
}

interface Addon {
  sendBatch(batch: Buffer, netns?: string): KernelError[];
}

let loaded: Addon | null | undefined;

/** The addon, or undefined (logged once) when it is missing or disabled. */
export function nfnetlinkAddon(): Addon | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (!netlinkEnabledByEnv()) return undefined;
  try {
    // dist/proxy/netlink/addon.js → <repo>/proxy/netlink/native/build/Release/nfnetlink.node
    const require = createRequire(import.meta.url);
    loaded = require(new URL('../../../proxy/netlink/native/build/Release/nfnetlink.node', import.meta.url).pathname) as Addon;
  } catch (err) {
    log.info('nf_tables netlink addon not available; partial syncs use nft', { err: (err as Error).message.split('\n')[0] });
  }
  return loaded ?? undefined;
}

/** SVCNET_NFT_NETLINK=0 (or false/off) turns the netlink path off for the whole process. */
export function netlinkEnabledByEnv(): boolean {
  return !/^(0|false|off|no)$/i.test(process.env.SVCNET_NFT_NETLINK ?? '');
}
