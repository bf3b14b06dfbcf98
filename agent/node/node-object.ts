/**
 * The Node object the agent registers (pure): spec.podCIDR(s), addresses, capacity/allocatable,
 * nodeInfo, the four conditions, and the kubelet endpoint the API server proxies logs/exec to.
 */
export interface NodeFacts {
  name: string;
  internalIP: string;
  podCidr: string;
  cpus: number;
  memoryKiB: number;
  osImage: string;
  kernelVersion: string;
  architecture: string;
  kubeletPort: number;
  machineID: string;
  bootID: string;
}

export const kubeletVersion = 'v1.32.0';
export const runtimeVersion = 'svcnet://0.1.0';
export const maxPods = 110;

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export function architectureOf(nodeArch: string): string {
  return goArch[nodeArch] ?? nodeArch;
}

/** PRETTY_NAME from /etc/os-release, as the kubelet reports osImage. */
export function osImageOf(osRelease: string): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease);
  return m ? m[1] : 'Linux';
}

export function nodeLabels(name: string, architecture: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': architecture,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': architecture,
  };
}

function conditions(now: string, previous: { type: string; status: string; lastTransitionTime?: string }[] | undefined) {
  const defs: [string, string, string, string][] = [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ];
  return defs.map(([type, status, reason, message]) => {
    const prev = previous?.find((c) => c.type === type);
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now, reason, message };
  });
}

export function buildNodeStatus(f: NodeFacts, now: string, previousConditions?: { type: string; status: string; lastTransitionTime?: string }[]) {
  const capacity = { cpu: String(f.cpus), memory: `${f.memoryKiB}Ki`, pods: String(maxPods), 'ephemeral-storage': '10Gi' };
  return {
    capacity,
    allocatable: capacity,
    conditions: conditions(now, previousConditions),
    addresses: [
      { type: 'InternalIP', address: f.internalIP },
      { type: 'Hostname', address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.kubeletPort } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.machineID,
      bootID: f.bootID,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: f.architecture,
    },
  };
}

export function buildNode(f: NodeFacts) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: f.name, labels: nodeLabels(f.name, f.architecture), annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: { podCIDR: f.podCidr, podCIDRs: [f.podCidr] },
  };
}

/** MicroTime as the API serializes Lease renewTime. */
export function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
