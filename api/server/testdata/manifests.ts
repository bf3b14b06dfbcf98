/** Manifests for the kubectl acceptance test (reference/kube-api.md §11). */
export const nodePortService = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  type: NodePort
  selector:
    app: nginx
  ports:
  - name: http
    port: 80
`;

export const nodePortPatch = `spec:
  ports:
  - name: http
    port: 80
    nodePort: 31326
`;

export const duplicatePortService = `apiVersion: v1
kind: Service
metadata:
  name: twoports
spec:
  selector:
    app: x
  ports:
  - port: 80
  - port: 80
`;

export const conflictingNodePortService = `apiVersion: v1
kind: Service
metadata:
  name: web-dup
spec:
  type: NodePort
  selector:
    app: x
  ports:
  - port: 80
    nodePort: 31326
`;

export const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

export function replicaSet(deployUID: string): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7d4b9c8f6b
  labels:
    app: web
    pod-template-hash: 7d4b9c8f6b
  ownerReferences:
  - apiVersion: apps/v1
    kind: Deployment
    name: web
    uid: ${deployUID}
    controller: true
    blockOwnerDeletion: true
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
      pod-template-hash: 7d4b9c8f6b
  template:
    metadata:
      labels:
        app: web
        pod-template-hash: 7d4b9c8f6b
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;
}

export function pod(name: string, extraLabels = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: web
${extraLabels}spec:
  nodeName: node1
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
`;
}

export function runningPodStatus(ip: string): string {
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({
    status: {
      phase: 'Running',
      hostIP: '192.0.2.10',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: t,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
        { type: 'Initialized', status: 'True', lastTransitionTime: t },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
        { type: 'Ready', status: 'True', lastTransitionTime: t },
      ],
      containerStatuses: [{ name: 'nginx', image: 'nginx:1.27', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } }],
    },
  });
}

export const node = `apiVersion: v1
kind: Node
metadata:
  name: node1
  labels:
    kubernetes.io/hostname: node1
    node-role.kubernetes.io/control-plane: ""
`;

export function nodeStatus(): string {
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cond = (type: string, status: string, reason: string) => ({ type, status, reason, message: reason, lastHeartbeatTime: t, lastTransitionTime: t });
  return JSON.stringify({
    status: {
      capacity: { cpu: '2', memory: '24Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '24Gi', pods: '110' },
      addresses: [
        { type: 'InternalIP', address: '192.0.2.10' },
        { type: 'Hostname', address: 'node1' },
      ],
      conditions: [cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'), cond('PIDPressure', 'False', 'KubeletHasSufficientPID'), cond('Ready', 'True', 'KubeletReady')],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'svcnet://0.1.0', architecture: 'amd64', operatingSystem: 'linux', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  });
}

export const endpoints = `apiVersion: v1
kind: Endpoints
metadata:
  name: nginx
subsets:
- addresses:
  - ip: 10.244.0.2
  - ip: 10.244.0.3
  - ip: 10.244.0.4
  - ip: 10.244.0.5
  - ip: 10.244.0.6
  ports:
  - name: http
    port: 80
`;

export const endpointSlice = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: nginx-abcde
  labels:
    kubernetes.io/service-name: nginx
addressType: IPv4
ports:
- name: http
  port: 80
  protocol: TCP
endpoints:
- addresses: ["10.244.0.2"]
  conditions: {ready: true}
  nodeName: node1
- addresses: ["10.244.0.3"]
  conditions: {ready: true}
  nodeName: node1
`;

export const ingressAndClass = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: nginx
            port:
              number: 80
`;

export const misc = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
  b: "2"
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  user: admin
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: node1
  namespace: kube-node-lease
spec:
  holderIdentity: node1
  leaseDurationSeconds: 40
---
apiVersion: v1
kind: Event
metadata:
  name: web.1
involvedObject:
  kind: Deployment
  name: web
  namespace: default
reason: ScalingReplicaSet
message: Scaled up replica set web-7d4b9c8f6b to 2
type: Normal
source:
  component: deployment-controller
count: 1
`;
