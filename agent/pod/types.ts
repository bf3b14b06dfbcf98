/** The parts of Pod, Service, ConfigMap and Secret objects the agent reads (plain JSON as on the wire). */
import type { KubeObject } from '../../api/types.js';

export interface ProbeSpec {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: ProbeSpec['httpGet'];
  sleep?: { seconds: number };
}

export interface EnvVarSource {
  fieldRef?: { fieldPath: string };
  configMapKeyRef?: { name: string; key: string; optional?: boolean };
  secretKeyRef?: { name: string; key: string; optional?: boolean };
  resourceFieldRef?: { resource: string; containerName?: string };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  lifecycle?: { preStop?: LifecycleHandler; postStart?: LifecycleHandler };
  tty?: boolean;
  stdin?: boolean;
}

export interface PodDNSConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

export interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  dnsConfig?: PodDNSConfig;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  enableServiceLinks?: boolean;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  serviceAccountName?: string;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface ContainerStateJson {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; signal?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string };
}

export interface ContainerStatusJson {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerStateJson;
  lastState: ContainerStateJson;
}

export interface PodStatusJson {
  phase?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatusJson[];
  initContainerStatuses?: ContainerStatusJson[];
  qosClass?: string;
  [extra: string]: unknown;
}

export type Pod = KubeObject & { spec: PodSpec; status?: PodStatusJson };

export interface ServicePortJson {
  name?: string;
  port: number;
  protocol?: string;
}

export type Service = KubeObject & { spec?: { clusterIP?: string; ports?: ServicePortJson[] } };
