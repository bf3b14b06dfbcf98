import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object } from './test-support.js';

const pod = (spec: Record<string, unknown>, name = 'web') => object('v1', 'Pod', name, { spec });
const c = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx:1.27', ...extra });

const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'minimal pod', spec: { containers: [c()] }, want: [] },
  { name: 'containers required', spec: { containers: [] }, want: ['spec.containers: Required value'] },
  { name: 'image required', spec: { containers: [{ name: 'app' }] }, want: ['spec.containers[0].image: Required value'] },
  {
    name: 'container name format and uniqueness',
    spec: { containers: [c({ name: 'App' }), c(), c()] },
    want: [
      "spec.containers[0].name: Invalid value: \"App\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.containers[2].name: Duplicate value: "app"',
    ],
  },
  {
    name: 'container ports',
    spec: { containers: [c({ ports: [{ containerPort: 0 }, { name: 'http', containerPort: 70000 }, { name: 'http', containerPort: 81 }, { name: 'web_port', containerPort: 82 }] })] },
    want: [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[2].name: Duplicate value: "http"',
      'spec.containers[0].ports[3].name: Invalid value: "web_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  },
  {
    name: 'env names',
    spec: { containers: [c({ env: [{ value: 'x' }, { name: 'A=B', value: 'x' }, { name: '1OK', value: 'fine in 1.32' }] })] },
    want: [
      'spec.containers[0].env[0].name: Required value',
      "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    ],
  },
  {
    name: 'restartPolicy and dnsPolicy values',
    spec: { containers: [c()], restartPolicy: 'Sometimes', dnsPolicy: 'Cluster' },
    want: [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ],
  },
  {
    name: 'probes',
    spec: { containers: [c({ livenessProbe: { httpGet: { port: 0 }, successThreshold: 2 }, readinessProbe: { initialDelaySeconds: -1, tcpSocket: { port: 'http' } }, startupProbe: {} })] },
    want: [
      'spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].startupProbe: Required value: must specify a handler type',
    ],
  },
  {
    name: 'resources',
    spec: { containers: [c({ resources: { limits: { cpu: '500m', gpu: '1' }, requests: { cpu: '1', memory: 'lots' } } })] },
    want: [
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      'spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu limit of 500m'.replace('requests[cpu]', 'requests'),
      "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      // Pod defaulting copied the gpu limit into requests, so it is reported there too.
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
  },
  {
    name: 'volume mounts need a volume',
    spec: { containers: [c({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] },
    want: ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
  },
  { name: 'emptyDir volume is defaulted', spec: { volumes: [{ name: 'data' }], containers: [c({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }, want: [] },
  {
    name: 'host port conflicts',
    spec: { containers: [c({ ports: [{ containerPort: 80, hostPort: 8080 }] }), c({ name: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] })] },
    want: ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  },
  { name: 'image whitespace (pods only)', spec: { containers: [c({ image: ' nginx' })] }, want: ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'] },
];

for (const t of cases) test(`Pod: ${t.name}`, () => assert.deepEqual(errorsOf(pod(t.spec)), t.want));

test('Pod update: image may change, restartPolicy may not', () => {
  const old = pod({ containers: [c()] });
  assert.deepEqual(errorsOf(pod({ containers: [c({ image: 'nginx:1.28' })] }), old), []);
  const errs = errorsOf(pod({ containers: [c()], restartPolicy: 'Never' }), old);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0].startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    errs[0],
  );
  assert.match(errs[0], /- \tRestartPolicy: "Always",\n\+ \tRestartPolicy: "Never",/);
});

test('Pod update: containers may not be added', () => {
  const old = pod({ containers: [c()] });
  assert.deepEqual(errorsOf(pod({ containers: [c(), c({ name: 'b' })] }), old), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

test('Pod update: nodeName is set once, then immutable', () => {
  const unbound = pod({ containers: [c()] });
  const bound = pod({ containers: [c()], nodeName: 'node1' });
  assert.deepEqual(errorsOf(bound, unbound), []);
  const moved = errorsOf(pod({ containers: [c()], nodeName: 'node2' }), bound);
  assert.equal(moved.length, 1);
  assert.match(moved[0], /^spec: Forbidden: pod updates may not change fields other than/);
});

test('Pod: securityContext ids, seccomp and privilege escalation', () => {
  const errs = errorsOf(
    pod({
      securityContext: { runAsUser: -1, seccompProfile: { type: 'Strict' } },
      containers: [c({ securityContext: { runAsGroup: 5000000000, allowPrivilegeEscalation: false, privileged: true } })],
    }),
  );
  assert.deepEqual(errs.slice(0, 2), [
    'spec.containers[0].securityContext.runAsGroup: Invalid value: 5000000000: must be between 0 and 4294967295, inclusive',
    'spec.containers[0].securityContext: Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(nil), Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(nil), RunAsGroup:(*int64)(0xc000000000), RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(0xc000000000), ProcMount:(*core.ProcMountType)(nil), SeccompProfile:(*core.SeccompProfile)(nil), AppArmorProfile:(*core.AppArmorProfile)(nil)}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
  ]);
  assert.deepEqual(errs.slice(2), [
    'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive',
    'spec.securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", "RuntimeDefault", "Unconfined"',
  ]);
});

test('Pod: affinity terms', () => {
  const errs = errorsOf(
    pod({
      containers: [c()],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'Gt', values: [] }] } }],
        },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } } }] },
      },
    }),
  );
  const a = 'spec.affinity';
  assert.deepEqual(errs.slice(0, 3), [
    `${a}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term`,
    `${a}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`,
    `${a}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
  ]);
  assert.equal(errs[3], `${a}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty`);
  const valid = pod({
    containers: [c()],
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } },
  });
  assert.deepEqual(errorsOf(valid), []);
});

test('Pod: topology spread constraints', () => {
  const tsc = (extra: Record<string, unknown>) => ({ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', ...extra });
  assert.deepEqual(errorsOf(pod({ containers: [c()], topologySpreadConstraints: [tsc({})] })), []);
  assert.deepEqual(errorsOf(pod({ containers: [c()], topologySpreadConstraints: [tsc({ maxSkew: 0 }), tsc({ whenUnsatisfiable: 'Maybe' }), tsc({})] })), [
    'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"',
    'spec.topologySpreadConstraints[1].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
  ]);
});
