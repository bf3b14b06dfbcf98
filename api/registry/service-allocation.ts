/**
 * Service ClusterIP and NodePort allocation, done synchronously in the registry as
 * kube-apiserver does (pkg/registry/core/service/storage/alloc.go): requested values are honoured
 * or refused with Kubernetes' messages, missing ones are allocated, values no longer needed are
 * released, and the whole state is rebuilt from the stored Services after a restart.
 */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { BitmapAllocator } from './bitmap-allocator.js';
import { formatIPv4, parseCidr, parseIPv4, type Cidr } from './ip.js';

export interface ServicePortSpec {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
  [k: string]: unknown;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePortSpec[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  [k: string]: unknown;
}

export interface AllocatorConfig {
  serviceCIDR: string; // e.g. 10.96.0.0/12
  nodePortRange: string; // e.g. 30000-32767
}

/** What one write took, so a failed write (or dryRun) can give it back. */
export interface AllocationTx {
  ips: number[];
  ports: number[];
}

function specOf(svc: KubeObject): ServiceSpec {
  if (!svc.spec || typeof svc.spec !== 'object') svc.spec = {};
  return svc.spec as ServiceSpec;
}

function needsClusterIP(spec: ServiceSpec): boolean {
  return (spec.type ?? 'ClusterIP') !== 'ExternalName';
}

function needsNodePorts(spec: ServiceSpec): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

function needsHealthCheckNodePort(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function goStringSlice(values: string[]): GoRepr {
  return new GoRepr(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
}

export class ServiceAllocator {
  readonly cidr: Cidr;
  readonly portBase: number;
  readonly portSize: number;
  private readonly ips: BitmapAllocator;
  private readonly ports: BitmapAllocator;

  constructor(config: AllocatorConfig) {
    this.cidr = parseCidr(config.serviceCIDR);
    const m = /^(\d+)-(\d+)$/.exec(config.nodePortRange);
    if (!m || Number(m[1]) > Number(m[2])) throw new Error(`invalid node port range ${JSON.stringify(config.nodePortRange)}`);
    this.portBase = Number(m[1]);
    this.portSize = Number(m[2]) - this.portBase + 1;
    // The network and broadcast addresses are never handed out (offset 0 = first usable).
    this.ips = new BitmapAllocator(Math.max(this.cidr.size - 2, 0));
    this.ports = new BitmapAllocator(this.portSize);
  }

  get portRangeText(): string {
    return `${this.portBase}-${this.portBase + this.portSize - 1}`;
  }

  /** Rebuilds the state from stored Services (at start-up). */
  rebuild(services: readonly KubeObject[]): void {
    for (const svc of services) {
      const spec = (svc.spec ?? {}) as ServiceSpec;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
        const off = this.ipOffset(ip);
        if (off !== undefined) this.ips.take(off);
      }
      for (const port of this.nodePortsOf(spec)) {
        const off = this.portOffset(port);
        if (off !== undefined) this.ports.take(off);
      }
    }
  }

  /**
   * Allocates what a Service being created (old undefined) or updated still lacks, and works out
   * what the update stops using. An update must already be prepared (prepareServiceForUpdate:
   * values the user left out carried over, values the new type cannot use dropped). Mutates `svc`.
   * Returns field errors, or the transaction to commit or roll back.
   */
  allocate(svc: KubeObject, old?: KubeObject): { errors: FieldError[]; tx: AllocationTx; released: AllocationTx } {
    const spec = specOf(svc);
    const oldSpec = old ? ((old.spec ?? {}) as ServiceSpec) : undefined;
    const tx: AllocationTx = { ips: [], ports: [] };
    const errors = [...this.allocateClusterIPs(spec, oldSpec, tx), ...this.allocateNodePorts(spec, oldSpec, tx)];
    if (errors.length) {
      this.rollback(tx);
      return { errors, tx: { ips: [], ports: [] }, released: { ips: [], ports: [] } };
    }
    return { errors, tx, released: oldSpec ? this.unusedAfterUpdate(spec, oldSpec) : { ips: [], ports: [] } };
  }

  /** Gives back what a write took when the write did not happen (validation failed, dryRun). */
  rollback(tx: AllocationTx): void {
    for (const ip of tx.ips) this.ips.release(ip);
    for (const p of tx.ports) this.ports.release(p);
  }

  /** Frees what an update stopped using, once the update is stored. */
  commitRelease(released: AllocationTx): void {
    this.rollback(released);
  }

  /** Frees everything a deleted Service held. */
  releaseService(svc: KubeObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    this.rollback(this.heldBy(spec));
  }

  private heldBy(spec: ServiceSpec): AllocationTx {
    const ips = (spec.clusterIPs ?? []).map((ip) => this.ipOffset(ip)).filter((n): n is number => n !== undefined);
    const ports = this.nodePortsOf(spec).map((p) => this.portOffset(p)).filter((n): n is number => n !== undefined);
    return { ips, ports };
  }

  private unusedAfterUpdate(spec: ServiceSpec, oldSpec: ServiceSpec): AllocationTx {
    const before = this.heldBy(oldSpec);
    const after = this.heldBy(spec);
    return { ips: before.ips.filter((n) => !after.ips.includes(n)), ports: before.ports.filter((n) => !after.ports.includes(n)) };
  }

  private nodePortsOf(spec: ServiceSpec): number[] {
    const out = (spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0);
    if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) out.push(spec.healthCheckNodePort);
    return out;
  }

  private allocateClusterIPs(spec: ServiceSpec, oldSpec: ServiceSpec | undefined, tx: AllocationTx): FieldError[] {
    if (!needsClusterIP(spec)) return [];
    if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return [];
    }
    const requested = spec.clusterIPs?.[0] ?? spec.clusterIP;
    const alreadyHeld = oldSpec && needsClusterIP(oldSpec) && requested && requested === oldSpec.clusterIPs?.[0];
    if (alreadyHeld) {
      spec.clusterIP = requested;
      spec.clusterIPs = [requested];
      return [];
    }
    if (requested) {
      const off = this.ipOffset(requested);
      const fail = (why: string) => [fieldErr.invalid('spec.clusterIPs', goStringSlice([requested]), `failed to allocate IP ${requested}: ${why}`)];
      if (parseIPv4(requested) === undefined) return []; // the format error is validation's to report
      if (off === undefined) return fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`);
      if (!this.ips.take(off)) return fail('provided IP is already allocated');
      tx.ips.push(off);
      spec.clusterIP = requested;
      spec.clusterIPs = [requested];
      return [];
    }
    const off = this.ips.next();
    if (off === undefined) return [fieldErr.invalid('spec.clusterIPs', goStringSlice([]), `failed to allocate a serviceIP: range is full`)];
    this.ips.take(off);
    tx.ips.push(off);
    const ip = formatIPv4((this.cidr.base + off + 1) >>> 0);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return [];
  }

  private allocateNodePorts(spec: ServiceSpec, oldSpec: ServiceSpec | undefined, tx: AllocationTx): FieldError[] {
    const errors: FieldError[] = [];
    const held = new Set(oldSpec ? this.nodePortsOf(oldSpec) : []);
    const claim = (port: number, field: string): void => {
      if (held.has(port)) return;
      const off = this.portOffset(port);
      if (off === undefined) {
        errors.push(fieldErr.invalid(field, port, `provided port is not in the valid range. The range of valid ports is ${this.portRangeText}`));
      } else if (tx.ports.includes(off)) {
        // The same port asked for twice in one Service: validation reports the duplicate.
      } else if (!this.ports.take(off)) {
        errors.push(fieldErr.invalid(field, port, 'provided port is already allocated'));
      } else {
        tx.ports.push(off);
      }
    };
    const fresh = (field: string): number | undefined => {
      const off = this.ports.next();
      if (off === undefined) {
        errors.push(fieldErr.invalid(field, 0, 'range is full'));
        return undefined;
      }
      this.ports.take(off);
      tx.ports.push(off);
      return this.portBase + off;
    };
    const ports = spec.ports ?? [];
    if (needsNodePorts(spec)) {
      ports.forEach((p, i) => {
        if (p.nodePort) claim(p.nodePort, `spec.ports[${i}].nodePort`);
      });
      ports.forEach((p, i) => {
        if (!p.nodePort) {
          // Ports that differ only in protocol share one node port, as upstream does.
          const twin = ports.find((q) => q !== p && q.port === p.port && q.nodePort);
          p.nodePort = twin?.nodePort ?? fresh(`spec.ports[${i}].nodePort`);
        }
      });
    } else {
      // A requested nodePort on a type that has none is a validation error upstream; here we only
      // make sure nothing is held for it.
      ports.forEach((p, i) => {
        if (p.nodePort && spec.type === 'LoadBalancer') claim(p.nodePort, `spec.ports[${i}].nodePort`);
      });
    }
    if (needsHealthCheckNodePort(spec)) {
      if (spec.healthCheckNodePort) claim(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
      else spec.healthCheckNodePort = fresh('spec.healthCheckNodePort');
    }
    return errors;
  }

  private ipOffset(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const off = n - this.cidr.base - 1;
    return off >= 0 && off < this.cidr.size - 2 ? off : undefined;
  }

  private portOffset(port: number): number | undefined {
    const off = port - this.portBase;
    return Number.isInteger(off) && off >= 0 && off < this.portSize ? off : undefined;
  }
}
