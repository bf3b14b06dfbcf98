/**
 * The one narrow port between the appliers and the host: run a command with optional stdin and
 * collect its output. The real runner can enter a network namespace (`ip netns exec`), so tests
 * and benchmarks program a throwaway namespace instead of the host; a recording runner captures
 * what would have run (`svcnet proxy render`, unit tests).
 */
import { spawn } from 'node:child_process';
import { nfnetlinkAddon, type KernelError } from '../netlink/addon.js';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], stdin?: string): Promise<CommandResult>;
  /**
   * Sends an nf_tables netlink batch (proxy/netlink) to the same place `run` programs, returning
   * the kernel's errors. Absent when the native addon is not available: callers use `nft`.
   */
  readonly sendNftBatch?: (batch: Buffer) => KernelError[];
}

/** Runs commands on this host, or inside `netns` when given (netlink batches too). */
export function hostRunner(netns?: string): CommandRunner {
  const addon = nfnetlinkAddon();
  return {
    run: (cmd, args, stdin) => (netns ? spawnCollect('ip', ['netns', 'exec', netns, cmd, ...args], stdin) : spawnCollect(cmd, args, stdin)),
    ...(addon ? { sendNftBatch: (batch: Buffer) => addon.sendBatch(batch, netns) } : {}),
  };
}

function spawnCollect(cmd: string, args: readonly string[], stdin?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    // A missing binary is reported like a failed command, so callers handle one kind of failure.
    child.on('error', (e) => resolve({ code: 127, stdout: '', stderr: `${cmd}: ${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}

export interface RecordedCommand {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly stdin: string | undefined;
}

/**
 * Records every command and answers from `respond` (default: success, empty output). Never
 * re-implements iptables or nft; tests script the answers they need.
 */
export class RecordingRunner implements CommandRunner {
  readonly commands: RecordedCommand[] = [];
  constructor(private readonly respond: (c: RecordedCommand) => Partial<CommandResult> = () => ({})) {}

  async run(cmd: string, args: readonly string[], stdin?: string): Promise<CommandResult> {
    const c = { cmd, args: [...args], stdin };
    this.commands.push(c);
    const r = this.respond(c);
    return { code: r.code ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }
}
