// Which Kafka principal each workload logs in as, and with whose password. The brokers authorise by
// principal (the ACLs follow from schemas/*.topic.json), so a workload holding another principal's
// password would have that service's rights: a watcher that could log in as the wallet could write
// deposit.confirmed. These checks find a workload without its own principal and password, and any
// workload with another principal's password within reach.
import { serviceEnvironment, type ComposeFile } from './compose.js';
import { podTemplateOf, workloads, type Container, type Manifest, type PodSpec } from './manifests.js';

export const KAFKA_SASL_MECHANISM = 'scram-sha-512';

/** The Secret holding a principal's password under the key `password`, in every overlay. */
export function kafkaSecretName(principal: string): string {
  return `kafka-${principal}`;
}

/** The .env variable holding a principal's password, for Compose: KAFKA_DEPOSIT_WATCHER_PASSWORD. */
export function kafkaPasswordVariable(principal: string): string {
  return `KAFKA_${principal.toUpperCase().replaceAll('-', '_')}_PASSWORD`;
}

const KAFKA_SECRET = /^kafka-/;
const PASSWORD_KEY = 'password';
const KAFKA_PASSWORD_REFERENCE = /\$\{(KAFKA_[A-Z0-9_]+_PASSWORD)\b/g;

export interface KafkaCredentialOptions {
  /**
   * The name a rendered Secret had in the manifests: the local overlay's secretGenerator appends a
   * content hash (kafka-wallet-72bc58gfmg).
   */
  secretName?: (rendered: string) => string;
  /** Workloads that may hold every principal's password: the brokers, which create the users. */
  brokers?: string[];
}

/** Where a variable's value comes from, as far as the manifests say. */
export type EnvSource =
  { kind: 'value'; value: string } | { kind: 'secret'; name: string; key: string } | { kind: 'unknown' };

function configMapValue(manifests: Manifest[], name: string, key: string): string | undefined {
  return manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === name)
    ?.data?.[key];
}

/** A container's environment as Kubernetes builds it: envFrom in order, then env over it. */
export function environmentOf(container: Container, manifests: Manifest[]): Map<string, EnvSource> {
  const environment = new Map<string, EnvSource>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef === undefined) continue;
    const data = manifests.find(
      (manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === source.configMapRef!.name,
    )?.data;
    for (const [name, value] of Object.entries(data ?? {})) environment.set(name, { kind: 'value', value });
  }
  for (const variable of container.env ?? []) {
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) {
      environment.set(variable.name, { kind: 'value', value: variable.value });
    } else if (configMapRef !== undefined) {
      const value = configMapValue(manifests, configMapRef.name, configMapRef.key);
      environment.set(variable.name, value === undefined ? { kind: 'unknown' } : { kind: 'value', value });
    } else if (secretRef !== undefined) {
      environment.set(variable.name, { kind: 'secret', name: secretRef.name, key: secretRef.key });
    } else {
      environment.set(variable.name, { kind: 'unknown' });
    }
  }
  return environment;
}

/** The Secret and key behind a file path in a container, when a mounted Secret provides it. */
function secretFileBehind(
  path: string,
  container: Container,
  pod: PodSpec,
): { name: string; key: string } | undefined {
  const candidates = (container.volumeMounts ?? [])
    .map((mount) => {
      const directory = mount.mountPath.replace(/\/+$/, '');
      if (mount.subPath !== undefined) return path === directory ? { mount, file: mount.subPath } : undefined;
      return path.startsWith(`${directory}/`) ? { mount, file: path.slice(directory.length + 1) } : undefined;
    })
    .filter((candidate) => candidate !== undefined)
    .sort((a, b) => b.mount.mountPath.length - a.mount.mountPath.length);
  const candidate = candidates[0];
  if (candidate === undefined) return undefined;
  const volume = pod.volumes?.find((entry) => entry.name === candidate.mount.name);
  const sources = [
    ...(volume?.secret === undefined ? [] : [{ name: volume.secret.secretName, items: volume.secret.items }]),
    ...(volume?.projected?.sources ?? []).flatMap((source) =>
      source.secret === undefined ? [] : [{ name: source.secret.name, items: source.secret.items }],
    ),
  ];
  for (const source of sources) {
    // Without items every key of the Secret is a file named after it.
    const key =
      source.items === undefined
        ? candidate.file
        : source.items.find((item) => item.path === candidate.file)?.key;
    if (key !== undefined) return { name: source.name, key };
  }
  return undefined;
}

/** Every Secret a pod can read, by the name the manifests give it. */
function secretsOf(pod: PodSpec): string[] {
  const containers = [...pod.containers, ...(pod.initContainers ?? [])];
  return [
    ...(pod.volumes ?? []).flatMap((volume) => [
      ...(volume.secret === undefined ? [] : [volume.secret.secretName]),
      ...(volume.projected?.sources ?? []).flatMap((source) =>
        source.secret === undefined ? [] : [source.secret.name],
      ),
    ]),
    ...containers.flatMap((container) => [
      ...(container.env ?? []).flatMap((variable) =>
        variable.valueFrom?.secretKeyRef === undefined ? [] : [variable.valueFrom.secretKeyRef.name],
      ),
      ...(container.envFrom ?? []).flatMap((source) =>
        source.secretRef === undefined ? [] : [source.secretRef.name],
      ),
    ]),
  ];
}

/**
 * What is wrong with the Kafka credentials of the rendered workloads, one line each.
 * @param principals each workload by name: the principal it must log in as, or null for one that
 *   never connects to Kafka and must hold no Kafka password. Workloads not named here (the
 *   infrastructure) must hold no Kafka password either, the brokers of `options.brokers` apart.
 */
export function kafkaCredentialViolations(
  manifests: Manifest[],
  principals: Record<string, string | null>,
  options: KafkaCredentialOptions = {},
): string[] {
  const secretName = options.secretName ?? ((name: string) => name);
  const violations: string[] = [];
  const all = workloads(manifests);
  for (const name of Object.keys(principals)) {
    if (!all.some((workload) => workload.metadata.name === name))
      violations.push(`${name}: no such workload`);
  }
  for (const workload of all) {
    const name = workload.metadata.name;
    const where = `${workload.kind}/${name}`;
    const pod = podTemplateOf(workload)!.spec;
    if (options.brokers?.includes(name) === true) continue;
    const principal = principals[name] ?? null;
    const own = principal === null ? undefined : kafkaSecretName(principal);
    for (const secret of secretsOf(pod).map(secretName)) {
      if (KAFKA_SECRET.test(secret) && secret !== own) {
        violations.push(
          principal === null
            ? `${where}: holds the Kafka Secret ${secret}, but never logs in to Kafka`
            : `${where}: holds the Kafka Secret ${secret}, which is not its own (${own})`,
        );
      }
    }
    for (const container of pod.containers) {
      const at = `${where} (${container.name})`;
      const environment = environmentOf(container, manifests);
      const valueOf = (variable: string): string | undefined => {
        const source = environment.get(variable);
        return source?.kind === 'value' ? source.value : undefined;
      };
      const password = environment.get('KAFKA_SASL_PASSWORD');
      const passwordFile = valueOf('KAFKA_SASL_PASSWORD_FILE');
      if (principal === null) {
        if (password !== undefined || passwordFile !== undefined) {
          violations.push(`${at}: has a Kafka password, but never logs in to Kafka`);
        }
        continue;
      }
      const mechanism = valueOf('KAFKA_SASL_MECHANISM');
      if (mechanism !== KAFKA_SASL_MECHANISM) {
        violations.push(
          `${at}: KAFKA_SASL_MECHANISM is ${mechanism ?? 'not set'}, not ${KAFKA_SASL_MECHANISM}`,
        );
      }
      const username = valueOf('KAFKA_SASL_USERNAME');
      if (username !== principal) {
        violations.push(
          `${at}: logs in to Kafka as ${username ?? 'nobody (no KAFKA_SASL_USERNAME)'}, not as ${principal}`,
        );
      }
      if (password?.kind === 'value') {
        violations.push(`${at}: KAFKA_SASL_PASSWORD has a literal value`);
        continue;
      }
      const from =
        password?.kind === 'secret'
          ? password
          : passwordFile === undefined
            ? undefined
            : secretFileBehind(passwordFile, container, pod);
      if (from === undefined) {
        violations.push(
          `${at}: no Kafka password: KAFKA_SASL_PASSWORD_FILE must be the ${PASSWORD_KEY} of the mounted Secret ${own}`,
        );
      } else if (secretName(from.name) !== own || from.key !== PASSWORD_KEY) {
        violations.push(
          `${at}: its Kafka password is ${from.key} of ${secretName(from.name)}, not ${PASSWORD_KEY} of ${own}`,
        );
      }
    }
  }
  return violations;
}

/**
 * The same for docker-compose.yml, where each password is a ${KAFKA_<PRINCIPAL>_PASSWORD} from .env.
 * Services not named in `principals` may reference no Kafka password, the brokers apart.
 */
export function composeKafkaCredentialViolations(
  compose: ComposeFile,
  principals: Record<string, string | null>,
  options: Pick<KafkaCredentialOptions, 'brokers'> = {},
): string[] {
  const violations: string[] = [];
  for (const name of Object.keys(principals)) {
    if (compose.services[name] === undefined) violations.push(`${name}: no such service`);
  }
  for (const [name, service] of Object.entries(compose.services)) {
    if (options.brokers?.includes(name) === true) continue;
    const principal = principals[name] ?? null;
    const own = principal === null ? undefined : kafkaPasswordVariable(principal);
    const environment = serviceEnvironment(service);
    const command = Array.isArray(service.command) ? service.command : [service.command ?? ''];
    const referenced = [...Object.values(environment), ...command].flatMap((value) =>
      [...value.matchAll(KAFKA_PASSWORD_REFERENCE)].map((match) => match[1]!),
    );
    for (const variable of new Set(referenced)) {
      if (variable !== own) {
        violations.push(
          principal === null
            ? `${name}: reads ${variable}, but never logs in to Kafka`
            : `${name}: reads ${variable}, which is not its own (${own})`,
        );
      }
    }
    if (principal === null) continue;
    if (environment.KAFKA_SASL_MECHANISM !== KAFKA_SASL_MECHANISM) {
      violations.push(
        `${name}: KAFKA_SASL_MECHANISM is ${environment.KAFKA_SASL_MECHANISM ?? 'not set'}, not ${KAFKA_SASL_MECHANISM}`,
      );
    }
    if (environment.KAFKA_SASL_USERNAME !== principal) {
      violations.push(
        `${name}: logs in to Kafka as ${environment.KAFKA_SASL_USERNAME ?? 'nobody (no KAFKA_SASL_USERNAME)'}, not as ${principal}`,
      );
    }
    const password = environment.KAFKA_SASL_PASSWORD;
    if (password === undefined || !new RegExp(`^\\$\\{${own}(:?[-?][^}]*)?\\}$`).test(password)) {
      violations.push(`${name}: KAFKA_SASL_PASSWORD must be \${${own}} from .env`);
    }
  }
  return violations;
}
