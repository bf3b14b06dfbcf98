/**
 * Pod templates with their pod-template-hash as Kubernetes 1.32 computes it. The spew text is
 * go-spew's own print (`%#v` with dump.ForHash settings) of the walkthrough template decoded into
 * the real v1.32 Go types; the rich template's hash came from the same Go code (ComputeHash with
 * collision count 7). Kept as a module so the compiled tests find them under dist/ too.
 */
export const walkthroughTemplate = {
  "metadata": {
    "labels": {
      "app": "nginx"
    }
  },
  "spec": {
    "containers": [
      {
        "image": "nginx",
        "imagePullPolicy": "Always",
        "name": "nginx",
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File"
      }
    ],
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30
  }
};

export const walkthroughTemplateSpew =
  "(v1.PodTemplateSpec){ObjectMeta:(v1.ObjectMeta){Name:(string) GenerateName:(string) Namespace:(string) SelfLink:(string) UID:(types.UID) ResourceVersion:(string) Generation:(int64)0 CreationTimestamp:(v1.Time){Time:(time.Time){wall:(uint64)0 ext:(int64)0 loc:(*time.Location)<nil>}} DeletionTimestamp:(*v1.Time)<nil> DeletionGracePeriodSeconds:(*int64)<nil> Labels:(map[string]string)map[app:nginx] Annotations:(map[string]string)<nil> OwnerReferences:([]v1.OwnerReference)<nil> Finalizers:([]string)<nil> ManagedFields:([]v1.ManagedFieldsEntry)<nil>} Spec:(v1.PodSpec){Volumes:([]v1.Volume)<nil> InitContainers:([]v1.Container)<nil> Containers:([]v1.Container)[{Name:(string)nginx Image:(string)nginx Command:([]string)<nil> Args:([]string)<nil> WorkingDir:(string) Ports:([]v1.ContainerPort)<nil> EnvFrom:([]v1.EnvFromSource)<nil> Env:([]v1.EnvVar)<nil> Resources:(v1.ResourceRequirements){Limits:(v1.ResourceList)<nil> Requests:(v1.ResourceList)<nil> Claims:([]v1.ResourceClaim)<nil>} ResizePolicy:([]v1.ContainerResizePolicy)<nil> RestartPolicy:(*v1.ContainerRestartPolicy)<nil> VolumeMounts:([]v1.VolumeMount)<nil> VolumeDevices:([]v1.VolumeDevice)<nil> LivenessProbe:(*v1.Probe)<nil> ReadinessProbe:(*v1.Probe)<nil> StartupProbe:(*v1.Probe)<nil> Lifecycle:(*v1.Lifecycle)<nil> TerminationMessagePath:(string)/dev/termination-log TerminationMessagePolicy:(v1.TerminationMessagePolicy)File ImagePullPolicy:(v1.PullPolicy)Always SecurityContext:(*v1.SecurityContext)<nil> Stdin:(bool)false StdinOnce:(bool)false TTY:(bool)false}] EphemeralContainers:([]v1.EphemeralContainer)<nil> RestartPolicy:(v1.RestartPolicy)Always TerminationGracePeriodSeconds:(*int64)30 ActiveDeadlineSeconds:(*int64)<nil> DNSPolicy:(v1.DNSPolicy)ClusterFirst NodeSelector:(map[string]string)<nil> ServiceAccountName:(string) DeprecatedServiceAccount:(string) AutomountServiceAccountToken:(*bool)<nil> NodeName:(string) HostNetwork:(bool)false HostPID:(bool)false HostIPC:(bool)false ShareProcessNamespace:(*bool)<nil> SecurityContext:(*v1.PodSecurityContext){SELinuxOptions:(*v1.SELinuxOptions)<nil> WindowsOptions:(*v1.WindowsSecurityContextOptions)<nil> RunAsUser:(*int64)<nil> RunAsGroup:(*int64)<nil> RunAsNonRoot:(*bool)<nil> SupplementalGroups:([]int64)<nil> SupplementalGroupsPolicy:(*v1.SupplementalGroupsPolicy)<nil> FSGroup:(*int64)<nil> Sysctls:([]v1.Sysctl)<nil> FSGroupChangePolicy:(*v1.PodFSGroupChangePolicy)<nil> SeccompProfile:(*v1.SeccompProfile)<nil> AppArmorProfile:(*v1.AppArmorProfile)<nil> SELinuxChangePolicy:(*v1.PodSELinuxChangePolicy)<nil>} ImagePullSecrets:([]v1.LocalObjectReference)<nil> Hostname:(string) Subdomain:(string) Affinity:(*v1.Affinity)<nil> SchedulerName:(string)default-scheduler Tolerations:([]v1.Toleration)<nil> HostAliases:([]v1.HostAlias)<nil> PriorityClassName:(string) Priority:(*int32)<nil> DNSConfig:(*v1.PodDNSConfig)<nil> ReadinessGates:([]v1.PodReadinessGate)<nil> RuntimeClassName:(*string)<nil> EnableServiceLinks:(*bool)<nil> PreemptionPolicy:(*v1.PreemptionPolicy)<nil> Overhead:(v1.ResourceList)<nil> TopologySpreadConstraints:([]v1.TopologySpreadConstraint)<nil> SetHostnameAsFQDN:(*bool)<nil> OS:(*v1.PodOS)<nil> HostUsers:(*bool)<nil> SchedulingGates:([]v1.PodSchedulingGate)<nil> ResourceClaims:([]v1.PodResourceClaim)<nil> Resources:(*v1.ResourceRequirements)<nil>}}";

export const richTemplate = {
  "metadata": {
    "labels": {
      "app": "web",
      "tier": "fe",
      "a.b/c": "d"
    },
    "annotations": {
      "kubectl.kubernetes.io/restartedAt": "2026-11-23T11:00:00Z",
      "z": "1"
    },
    "creationTimestamp": null
  },
  "spec": {
    "volumes": [
      {
        "name": "data",
        "emptyDir": {}
      },
      {
        "name": "cfg",
        "configMap": {
          "name": "cfg",
          "defaultMode": 420,
          "items": [
            {
              "key": "a",
              "path": "b"
            }
          ]
        }
      },
      {
        "name": "sec",
        "secret": {
          "secretName": "s",
          "defaultMode": 384,
          "optional": true
        }
      }
    ],
    "initContainers": [
      {
        "name": "init",
        "image": "busybox:1.36",
        "command": [
          "sh",
          "-c",
          "true"
        ],
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
        "restartPolicy": "Always"
      }
    ],
    "containers": [
      {
        "name": "web",
        "image": "nginx:1.27",
        "args": [
          "-g",
          "daemon off;"
        ],
        "workingDir": "/w",
        "ports": [
          {
            "name": "http",
            "containerPort": 80,
            "protocol": "TCP"
          },
          {
            "containerPort": 443,
            "protocol": "TCP",
            "hostPort": 8443
          }
        ],
        "env": [
          {
            "name": "A",
            "value": "1"
          },
          {
            "name": "POD",
            "valueFrom": {
              "fieldRef": {
                "apiVersion": "v1",
                "fieldPath": "metadata.name"
              }
            }
          },
          {
            "name": "MEM",
            "valueFrom": {
              "resourceFieldRef": {
                "resource": "limits.memory",
                "divisor": "1Mi"
              }
            }
          }
        ],
        "envFrom": [
          {
            "configMapRef": {
              "name": "cfg"
            }
          }
        ],
        "resources": {
          "limits": {
            "cpu": "500m",
            "memory": "128Mi"
          },
          "requests": {
            "cpu": "250m",
            "memory": "64Mi",
            "ephemeral-storage": "1Gi"
          }
        },
        "volumeMounts": [
          {
            "name": "data",
            "mountPath": "/data"
          },
          {
            "name": "cfg",
            "mountPath": "/etc/cfg",
            "readOnly": true
          }
        ],
        "livenessProbe": {
          "httpGet": {
            "path": "/healthz",
            "port": "http",
            "scheme": "HTTP",
            "httpHeaders": [
              {
                "name": "X",
                "value": "y"
              }
            ]
          },
          "initialDelaySeconds": 5,
          "timeoutSeconds": 1,
          "periodSeconds": 10,
          "successThreshold": 1,
          "failureThreshold": 3
        },
        "readinessProbe": {
          "tcpSocket": {
            "port": 80
          },
          "timeoutSeconds": 1,
          "periodSeconds": 10,
          "successThreshold": 1,
          "failureThreshold": 3
        },
        "lifecycle": {
          "preStop": {
            "exec": {
              "command": [
                "sleep",
                "5"
              ]
            }
          }
        },
        "securityContext": {
          "runAsUser": 1000,
          "runAsNonRoot": true,
          "allowPrivilegeEscalation": false,
          "capabilities": {
            "drop": [
              "ALL"
            ],
            "add": [
              "NET_BIND_SERVICE"
            ]
          },
          "readOnlyRootFilesystem": true
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
        "stdin": true,
        "tty": true
      }
    ],
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 60,
    "activeDeadlineSeconds": 100,
    "dnsPolicy": "ClusterFirst",
    "nodeSelector": {
      "disk": "ssd",
      "kubernetes.io/os": "linux"
    },
    "serviceAccountName": "web",
    "serviceAccount": "web",
    "automountServiceAccountToken": false,
    "hostNetwork": false,
    "shareProcessNamespace": true,
    "securityContext": {
      "fsGroup": 2000,
      "supplementalGroups": [
        3000,
        4000
      ],
      "sysctls": [
        {
          "name": "net.core.somaxconn",
          "value": "1024"
        }
      ],
      "seccompProfile": {
        "type": "RuntimeDefault"
      }
    },
    "imagePullSecrets": [
      {
        "name": "reg"
      }
    ],
    "hostname": "h",
    "subdomain": "s",
    "affinity": {
      "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {
          "nodeSelectorTerms": [
            {
              "matchExpressions": [
                {
                  "key": "zone",
                  "operator": "In",
                  "values": [
                    "a",
                    "b"
                  ]
                }
              ]
            }
          ]
        },
        "preferredDuringSchedulingIgnoredDuringExecution": [
          {
            "weight": 10,
            "preference": {
              "matchExpressions": [
                {
                  "key": "x",
                  "operator": "Exists"
                }
              ]
            }
          }
        ]
      },
      "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
          {
            "weight": 100,
            "podAffinityTerm": {
              "labelSelector": {
                "matchLabels": {
                  "app": "web"
                },
                "matchExpressions": [
                  {
                    "key": "tier",
                    "operator": "NotIn",
                    "values": [
                      "db"
                    ]
                  }
                ]
              },
              "topologyKey": "kubernetes.io/hostname"
            }
          }
        ]
      }
    },
    "schedulerName": "default-scheduler",
    "tolerations": [
      {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300
      },
      {
        "key": "k",
        "operator": "Equal",
        "value": "v",
        "effect": "NoSchedule"
      }
    ],
    "hostAliases": [
      {
        "ip": "10.0.0.1",
        "hostnames": [
          "a",
          "b"
        ]
      }
    ],
    "priorityClassName": "high",
    "priority": 1000,
    "dnsConfig": {
      "nameservers": [
        "1.1.1.1"
      ],
      "searches": [
        "x.local"
      ],
      "options": [
        {
          "name": "ndots",
          "value": "2"
        }
      ]
    },
    "readinessGates": [
      {
        "conditionType": "x/ready"
      }
    ],
    "runtimeClassName": "runc",
    "enableServiceLinks": false,
    "preemptionPolicy": "PreemptLowerPriority",
    "overhead": {
      "cpu": "100m"
    },
    "topologySpreadConstraints": [
      {
        "maxSkew": 1,
        "topologyKey": "zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {
          "matchLabels": {
            "app": "web"
          }
        },
        "minDomains": 2
      }
    ],
    "setHostnameAsFQDN": false,
    "os": {
      "name": "linux"
    },
    "hostUsers": true
  }
};
