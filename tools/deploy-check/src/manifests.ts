// Kubernetes manifests as the deployment checks see them: rendered by `kubectl kustomize`, parsed,
// and narrowed to the few fields the checks read.
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export type Labels = Record<string, string>;

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface HttpGetAction {
  path: string;
  port: number | string;
}

export interface Probe {
  httpGet?: HttpGetAction;
  exec?: { command: string[] };
  tcpSocket?: { port: number | string };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface EnvFromSource {
  secretRef?: { name: string };
  configMapRef?: { name: string };
}

export interface ContainerSecurityContext {
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  capabilities?: { drop?: string[]; add?: string[] };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: ContainerSecurityContext;
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The files a Secret volume shows: every key, or only these, each at its path. */
export interface KeyToPath {
  key: string;
  path: string;
}

export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number };
  configMap?: { name: string };
  projected?: {
    defaultMode?: number;
    sources: { secret?: { name: string; items?: KeyToPath[] }; configMap?: { name: string } }[];
  };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: { type: string };
  };
}

export interface PodTemplate {
  metadata: { labels: Labels };
  spec: PodSpec;
}

export interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  template: PodTemplate;
}

export interface CronJobSpec {
  schedule: string;
  concurrencyPolicy?: string;
  jobTemplate: { spec: { backoffLimit?: number; activeDeadlineSeconds?: number; template: PodTemplate } };
}

export interface ServiceSpec {
  selector?: Labels;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}

/** `kubectl kustomize <dir>`: the exact objects `kubectl apply -k` would send. */
export function renderKustomization(directory: string): Manifest[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new Error(
        'kubectl is not on PATH: install it (Debian: kubernetes-client, or the cloud SDK kubectl) to render k8s/',
        { cause: error },
      );
    }
    throw error;
  }
  return parseManifests(output);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => {
      const [firstError] = document.errors;
      if (firstError !== undefined) throw firstError;
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

export function manifestsOfKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

export function findManifest(manifests: Manifest[], kind: string, name: string): Manifest | undefined {
  return manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
}

/** The pod template of any workload kind that has one; undefined for everything else. */
export function podTemplateOf(manifest: Manifest): PodTemplate | undefined {
  switch (manifest.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return (manifest.spec as { template: PodTemplate }).template;
    case 'CronJob':
      return (manifest.spec as CronJobSpec).jobTemplate.spec.template;
    default:
      return undefined;
  }
}

export function workloads(manifests: Manifest[]): Manifest[] {
  return manifests.filter((manifest) => podTemplateOf(manifest) !== undefined);
}

export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

/** A named or numbered container port, resolved to its number. */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

export function labelsMatch(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
