/**
 * One query in, one reply out (or none): the miekg/CoreDNS request rules, then the cluster
 * records, the forwarder, or an error rcode. Never throws: a failure inside answers SERVFAIL and
 * counts in coredns_panics_total. Cluster replies are kept pre-encoded per (question bytes,
 * budget, EDNS) and dropped when a change reaches them (reply-cache.ts), so a repeated question
 * costs one map lookup and a few byte patches in the cached reply itself (ID, RD, CD, the SOA
 * serial of a negative reply; A/AAAA answers rotated, as CoreDNS's loadbalance shuffles them);
 * forwarded replies go through the TTL cache instead.
 *
 * No reply is copied per cached answer: garbage per query is what sets how often the young
 * generation is scavenged, and each scavenge pause lands in the latency tail. The price is that a
 * reply from the cache is the cache's own buffer, valid until the next call to handle(): send or
 * copy it before then, or call keep() (see server.ts).
 */
import type { ClusterIndex } from './cluster-index.js';
import { AnswerCache } from './cache.js';
import { questionWire, type Forwarder } from './forward.js';
import type { DnsMetrics } from './metrics.js';
import { resolve, type RecordsConfig } from './records.js';
import { ReplyCache } from './reply-cache.js';
import { ClassIN, Rcode, RRType, type Answer } from './rr.js';
import { findRotatable, rotateInPlace, type Rotatable } from './rotation.js';
import { KeyInterner } from './key-interner.js';
import { parseQuery, replyCacheKeyEnd, soaSerialOffset, type Query } from './wire-read.js';
import { encodeHeaderOnly, encodeReply, servfailFor } from './wire-write.js';

export type Proto = 'udp' | 'tcp';
export type Reply = Buffer | null;

export interface HandlerDeps {
  readonly index: ClusterIndex;
  readonly records: RecordsConfig;
  readonly forwarder: Forwarder;
  readonly cache: AnswerCache;
  readonly metrics: DnsMetrics;
}

/** Pre-encoded replies kept at most, per transport. */
const maxEncoded = 50_000;
const maxConcurrentForwards = 1000;
/** The largest UDP payload an IPv4 datagram carries. */
const maxUdpPayload = 65507;

interface CachedReply {
  /** Patched in place for every hit; replaced by a copy when a caller keeps the old one. */
  reply: Buffer;
  readonly rotate?: Rotatable;
  /** A negative reply's SOA serial: each hit gets the index's current one. */
  readonly serialAt?: number;
}

export class QueryHandler {
  readonly #d: HandlerDeps;
  /** By transport: the same question gets a different reply over UDP (truncation) than over TCP. */
  readonly #encoded = { udp: new ReplyCache<CachedReply>(maxEncoded), tcp: new ReplyCache<CachedReply>(maxEncoded) };
  /** Their keys, found without a new string per query. */
  readonly #keys = new KeyInterner(2 * maxEncoded);
  /** The entry whose buffer the last handle() returned (see keep). */
  #lent: CachedReply | null = null;
  #forwarding = 0;
  readonly #inFlight = new Map<string, Promise<Answer | null>>();

  constructor(deps: HandlerDeps) {
    this.#d = deps;
    deps.index.onChange((services) => {
      this.#encoded.udp.invalidate(services);
      this.#encoded.tcp.invalidate(services);
    });
  }

  /** Synchronous for cluster names and errors; a promise when the upstreams are asked. */
  handle(req: Buffer, proto: Proto, family: '1' | '2'): Reply | Promise<Reply> {
    const started = performance.now();
    const keyEnd = replyCacheKeyEnd(req);
    const key = keyEnd < 0 ? null : this.#keys.intern(req, keyEnd);
    if (key !== null) {
      const hit = this.#encoded[proto].get(key);
      if (hit) return this.#fromCache(hit, req, proto, family, started);
    }
    const parsed = parseQuery(req);
    if (!parsed.ok) {
      if (!parsed.reply) return null;
      this.#observe(proto, family, 0, parsed.rcode, started);
      return encodeHeaderOnly(parsed.id, parsed.opcode, parsed.flags, parsed.rcode);
    }
    const q = parsed.query;
    try {
      const out = this.#answer(req, q, key, proto, family, started);
      if (out instanceof Promise) return out.catch((err) => this.#failed(req, q, proto, family, started, err));
      return out;
    } catch (err) {
      return this.#failed(req, q, proto, family, started, err);
    }
  }

  /**
   * The caller holds on to `reply` past the next call to handle() (a UDP send the kernel queued):
   * the cache serves a copy from now on, so later patches never reach the bytes still to be sent.
   */
  keep(reply: Buffer): void {
    const lent = this.#lent;
    if (lent && lent.reply === reply) lent.reply = Buffer.from(reply);
  }

  #fromCache(hit: CachedReply, req: Buffer, proto: Proto, family: '1' | '2', started: number): Buffer {
    const out = hit.reply;
    if (hit.rotate) rotateInPlace(out, hit.rotate);
    if (hit.serialAt !== undefined) out.writeUInt32BE(this.#d.index.serial, hit.serialAt);
    this.#lent = hit;
    out[0] = req[0]!;
    out[1] = req[1]!;
    // RD and CD are echoed from each request; the rest of the header is the same for everyone.
    out[2] = (out[2]! & ~0x01) | (req[2]! & 0x01);
    out[3] = (out[3]! & ~0x10) | (req[3]! & 0x10);
    const qEnd = replyQuestionEnd(out);
    this.#observe(proto, family, (out[qEnd - 4]! << 8) | out[qEnd - 3]!, out[3]! & 0xf, started);
    return out;
  }

  #answer(req: Buffer, q: Query, key: string | null, proto: Proto, family: '1' | '2', started: number): Reply | Promise<Reply> {
    const budget = proto === 'tcp' ? 65535 : q.edns ? Math.min(maxUdpPayload, Math.max(512, q.edns.udpSize)) : 512;
    const early = earlyRcode(q);
    if (early !== undefined) return this.#send(req, q, bare(early), budget, proto, family, started);
    const res = resolve(this.#d.index, this.#d.records, { labels: q.labels, type: q.qtype });
    if (res.kind === 'forward') return this.#forward(req, q, budget, proto, family, started);
    if (res.chase) {
      const chase = res.chase;
      return this.#upstream(questionWire(chase.name, chase.type), chase.name.toLowerCase(), chase.type, q.edns?.dnssecOk === true).then((up) => {
        // As CoreDNS: whatever the upstream said (even NXDOMAIN) follows the CNAME; only a failure drops it.
        const a: Answer = up ? { ...res, answer: [...res.answer, ...up.answer], truncated: up.truncated } : chase.failed;
        return this.#send(req, q, a, budget, proto, family, started);
      });
    }
    const out = this.#send(req, q, res, budget, proto, family, started);
    if (key !== null) {
      const entry: CachedReply = { reply: out, rotate: q.qtype === RRType.A || q.qtype === RRType.AAAA ? findRotatable(out, q.questionEnd) : undefined, serialAt: soaSerialOffset(out) };
      this.#encoded[proto].set(key, entry, res.scope);
      this.#lent = entry;
    }
    return out;
  }

  async #forward(req: Buffer, q: Query, budget: number, proto: Proto, family: '1' | '2', started: number): Promise<Reply> {
    // kubeadm's `forward … { max_concurrent 1000 }`: past that, REFUSED instead of queueing.
    if (this.#forwarding >= maxConcurrentForwards) {
      this.#d.metrics.forwardRejects.inc([]);
      return this.#send(req, q, bare(Rcode.REFUSED), budget, proto, family, started);
    }
    this.#forwarding++;
    try {
      const name = q.labels.join('.').toLowerCase();
      const up = await this.#upstream(req.subarray(12, q.questionEnd), name, q.qtype, q.edns?.dnssecOk === true);
      return this.#send(req, q, up ?? { ...bare(Rcode.SERVFAIL), recursionAvailable: true }, budget, proto, family, started);
    } finally {
      this.#forwarding--;
    }
  }

  /** The TTL cache, then the upstreams. */
  async #upstream(question: Uint8Array, lowerName: string, qtype: number, dnssecOk: boolean): Promise<Answer | null> {
    const { cache, metrics, forwarder } = this.#d;
    const key = AnswerCache.key(lowerName, qtype, dnssecOk);
    const server = metrics.server;
    metrics.cacheRequests.inc([server, '.']);
    const hit = cache.get(key);
    if (hit) {
      metrics.cacheHits.inc([server, hit.kind, '.']);
      return hit.answer;
    }
    metrics.cacheMisses.inc([server, '.']);
    // Identical questions in flight share one upstream exchange.
    let inFlight = this.#inFlight.get(key);
    if (!inFlight) {
      inFlight = forwarder.query(question, { dnssecOk }).catch(() => null).then((fresh) => {
        this.#inFlight.delete(key);
        if (!fresh) return null;
        const sent = cache.put(key, fresh);
        metrics.cacheEntries.set([server, 'success', '.'], cache.countOf('success'));
        metrics.cacheEntries.set([server, 'denial', '.'], cache.countOf('denial'));
        return sent;
      });
      this.#inFlight.set(key, inFlight);
    }
    return inFlight;
  }

  #send(req: Buffer, q: Query, a: Answer, budget: number, proto: Proto, family: '1' | '2', started: number): Buffer {
    const out = encodeReply(req, q, a, budget);
    this.#observe(proto, family, q.qtype, a.rcode, started);
    return out;
  }

  #failed(req: Buffer, q: Query, proto: Proto, family: '1' | '2', started: number, _err: unknown): Reply {
    this.#d.metrics.panics.inc([]);
    this.#observe(proto, family, q.qtype, Rcode.SERVFAIL, started);
    try {
      return servfailFor(req, q);
    } catch {
      return encodeHeaderOnly(q.id, q.opcode, q.flags, Rcode.SERVFAIL);
    }
  }

  #observe(proto: Proto, family: '1' | '2', qtype: number, rcode: number, started: number): void {
    this.#d.metrics.observeQuery(proto, family, qtype, rcode, (performance.now() - started) / 1000);
  }
}

/** Answers decided before any lookup: BADVERS, non-IN classes, zone transfers (reference §6.1). */
function earlyRcode(q: Query): number | undefined {
  if (q.edns && q.edns.version > 0) return Rcode.BADVERS;
  if (q.qclass !== ClassIN) return Rcode.REFUSED;
  if (q.qtype === RRType.AXFR || q.qtype === RRType.IXFR) return Rcode.REFUSED;
  return undefined;
}

/** Where the (uncompressed, single) question of a cached reply ends. */
function replyQuestionEnd(buf: Buffer): number {
  let pos = 12;
  while (buf[pos]! !== 0) pos += buf[pos]! + 1;
  return pos + 5;
}

function bare(rcode: number): Answer {
  return { rcode, authoritative: false, answer: [], authority: [], additional: [] };
}
