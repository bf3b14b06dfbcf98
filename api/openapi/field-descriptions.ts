/**
 * Descriptions for fields whose type is another object. Client-node's generator keeps the doc
 * comment only on scalar fields, so without these `kubectl explain` would print
 * `<no description>` next to e.g. `spec.template` or `ports.targetPort`. Written for this project
 * (short, in the spirit of the Go doc comments); keyed by schema short name, then JSON field.
 */
export const fieldDescriptions: Record<string, Record<string, string>> = {
  'core.v1.Binding': { target: 'The target object that you want to bind to the standard object.' },
  'core.v1.Event': {
    involvedObject: 'The object that this event is about.',
    related: 'Optional secondary object for more complex actions.',
    series: 'Data about the Event series this event represents or nil if it\'s a singleton Event.',
    source: 'The component reporting this event. Should be a short machine understandable string.',
  },
  'core.v1.PodSpec': {
    affinity: "If specified, the pod's scheduling constraints.",
    dnsConfig: 'Specifies the DNS parameters of a pod. Parameters specified here will be merged into the DNS configuration generated from DNSPolicy.',
    os: 'Specifies the OS of the containers in the pod (linux or windows).',
    resources: 'Resources is the total amount of CPU and Memory resources required by all containers in the pod.',
    securityContext: 'SecurityContext holds pod-level security attributes and common container settings. Optional: defaults to empty.',
  },
  'core.v1.Container': containerFieldDescriptions(),
  'core.v1.EphemeralContainer': containerFieldDescriptions(),
  'core.v1.ContainerStatus': {
    lastState: "LastTerminationState holds the last termination state of the container, to help debug container crashes and restarts.",
    state: 'State holds details about the current condition of the container.',
    resources: 'Resources represents the compute resource requests and limits that have been successfully enacted on the running container.',
    user: 'User represents user identity information initially attached to the first process of the container.',
  },
  'core.v1.ServiceSpec': { sessionAffinityConfig: 'sessionAffinityConfig contains the configurations of session affinity.' },
  'core.v1.ServiceStatus': { loadBalancer: 'LoadBalancer contains the current status of the load-balancer, if one is present.' },
  'core.v1.ServicePort': {
    targetPort:
      "Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If this is a string, it will be looked up as a named port in the target Pod's container ports. If this is not specified, the value of the 'port' field is used (an identity map).",
  },
  'core.v1.SessionAffinityConfig': { clientIP: 'clientIP contains the configurations of Client IP based session affinity.' },
  'core.v1.EndpointAddress': { targetRef: 'Reference to object providing the endpoint.' },
  'core.v1.HTTPGetAction': { port: 'Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.' },
  'core.v1.TCPSocketAction': { port: 'Number or name of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.' },
  'core.v1.Probe': {
    exec: 'Exec specifies a command to execute in the container.',
    grpc: 'GRPC specifies a GRPC HealthCheckRequest.',
    httpGet: 'HTTPGet specifies an HTTP GET request to perform.',
    tcpSocket: 'TCPSocket specifies a connection to a TCP port.',
  },
  'core.v1.Lifecycle': {
    postStart: 'PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy.',
    preStop: 'PreStop is called immediately before a container is terminated due to an API request or management event such as a liveness/startup probe failure, preemption or resource contention.',
  },
  'core.v1.EnvVar': { valueFrom: "Source for the environment variable's value. Cannot be used if value is not empty." },
  'core.v1.EnvFromSource': { configMapRef: 'The ConfigMap to select from', secretRef: 'The Secret to select from' },
  'core.v1.EnvVarSource': {
    configMapKeyRef: 'Selects a key of a ConfigMap.',
    fieldRef: 'Selects a field of the pod: supports metadata.name, metadata.namespace, metadata.labels[\'<KEY>\'], metadata.annotations[\'<KEY>\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.',
    resourceFieldRef: 'Selects a resource of the container: only resources limits and requests are currently supported.',
    secretKeyRef: 'Selects a key of a secret in the pod\'s namespace',
  },
  'core.v1.Affinity': {
    nodeAffinity: 'Describes node affinity scheduling rules for the pod.',
    podAffinity: 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).',
    podAntiAffinity: 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).',
  },
  'core.v1.SecurityContext': { capabilities: 'The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime.' },
  'core.v1.Volume': {
    configMap: 'configMap represents a configMap that should populate this volume',
    downwardAPI: 'downwardAPI represents downward API about the pod that should populate this volume',
    emptyDir: "emptyDir represents a temporary directory that shares a pod's lifetime.",
    hostPath: 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container.',
    persistentVolumeClaim: 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace.',
    projected: 'projected items for all in one resources secrets, configmaps, and downward API',
    secret: 'secret represents a secret that should populate this volume.',
  },
  'apps.v1.DeploymentSpec': {
    selector: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
    strategy: 'The deployment strategy to use to replace existing pods with new ones.',
    template: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  },
  'apps.v1.DeploymentStrategy': { rollingUpdate: 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.' },
  'apps.v1.RollingUpdateDeployment': {
    maxSurge: 'The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.',
    maxUnavailable: 'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.',
  },
  'apps.v1.ReplicaSetSpec': {
    selector: "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels.",
    template: 'Template is the object that describes the pod that will be created if insufficient replicas are detected.',
  },
  'discovery.v1.Endpoint': {
    conditions: 'conditions contains information about the current status of the endpoint.',
    hints: 'hints contains information associated with how an endpoint should be consumed.',
    targetRef: 'targetRef is a reference to a Kubernetes object that represents this endpoint.',
  },
  'networking.v1.IngressSpec': {
    defaultBackend: 'defaultBackend is the backend that should handle requests that don\'t match any rule. If Rules are not specified, DefaultBackend must be specified.',
  },
  'networking.v1.IngressStatus': { loadBalancer: 'loadBalancer contains the current status of the load-balancer.' },
  'networking.v1.IngressClassSpec': { parameters: 'parameters is a link to a custom resource containing additional configuration for the controller.' },
  'networking.v1.IngressRule': {
    http: 'http is a list of http selectors pointing to backends: paths (posix regular expressions or prefixes) mapped to backends.',
  },
  'networking.v1.HTTPIngressPath': { backend: 'backend defines the referenced service endpoint to which the traffic will be forwarded to.' },
  'networking.v1.IngressBackend': {
    resource: 'resource is an ObjectRef to another Kubernetes resource in the namespace of the Ingress object. Mutually exclusive with service.',
    service: 'service references a service as a backend. Mutually exclusive with resource.',
  },
  'networking.v1.IngressServiceBackend': { port: 'port of the referenced service. A port name or port number is required for a IngressServiceBackend.' },
  'meta.v1.Status': { details: 'Extended data associated with the reason. Each reason may define its own extended details.' },
  'meta.v1.DeleteOptions': { preconditions: 'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.' },
};

function containerFieldDescriptions(): Record<string, string> {
  return {
    lifecycle: 'Actions that the management system should take in response to container lifecycle events.',
    livenessProbe: 'Periodic probe of container liveness. Container will be restarted if the probe fails.',
    readinessProbe: 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.',
    resources: 'Compute Resources required by this container.',
    securityContext: 'SecurityContext defines the security options the container should be run with.',
    startupProbe: 'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully.',
  };
}
