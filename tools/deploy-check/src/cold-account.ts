// Hot and cold custody as the deployments configure it (docs/deploy.md, "Hot and cold custody"). Above
// a ceiling the withdrawal saga sweeps the hot wallet's excess to a cold account whose keys are on no
// machine of the platform, and the signer signs a sweep only to addresses it derives itself from that
// account's xpub. These checks find a saga without the cold xpub or its limits (sweeps silently off),
// a signer without the xpub (every sweep refused) or with another one than the saga's, and any of the
// cold account's key material within reach of a container.
import { posix } from 'node:path';
import { serviceEnvironment, type ComposeFile, type ComposeService } from './compose.js';
import { environmentOf } from './kafka-credentials.js';
import { podTemplateOf, workloads, type Manifest, type Volume } from './manifests.js';

/** The workloads that need the cold account's xpub, and the variable each reads it from. */
export const COLD_XPUB_READERS = {
  'withdrawal-saga': 'COLD_ACCOUNT_XPUB',
  signer: 'SIGNER_COLD_ACCOUNT_XPUB',
} as const;

/**
 * The workloads that may read it besides: the wallet refuses a withdrawal to a cold receive address
 * when it has the xpub (docs/wallet.md), and works without it.
 */
const COLD_XPUB_MAY_READ = new Set<string>([...Object.keys(COLD_XPUB_READERS), 'wallet']);
const COLD_XPUB_WHO = 'which only the saga, the signer and the wallet read';

/** The saga's hot wallet limits, in koinu. */
export const HOT_WALLET_LIMITS = [
  'HOT_WALLET_CEILING_KOINU',
  'HOT_WALLET_FLOOR_KOINU',
  'HOT_WALLET_SWEEP_MIN_KOINU',
] as const;

/** The one key of a cold account's Secret: its extended public key. Never a key file or passphrase. */
export const COLD_XPUB_KEY = 'xpub';

const COLD = /cold/i;
const KOINU = /^[1-9][0-9]*$/;
const COLD_ENV_REFERENCE = /\$\{([A-Z0-9_]*COLD[A-Z0-9_]*)\b/g;

/** What the limits say together: a floor must be below the ceiling (the saga refuses to start otherwise). */
function limitViolations(where: string, limits: Partial<Record<(typeof HOT_WALLET_LIMITS)[number], string>>) {
  const violations: string[] = [];
  for (const name of HOT_WALLET_LIMITS) {
    const value = limits[name];
    if (value === undefined || !KOINU.test(value)) {
      violations.push(`${where}: ${name} is ${value ?? 'not set'}, not a positive amount of koinu`);
    }
  }
  const { HOT_WALLET_CEILING_KOINU: ceiling, HOT_WALLET_FLOOR_KOINU: floor } = limits;
  if (ceiling !== undefined && floor !== undefined && KOINU.test(ceiling) && KOINU.test(floor)) {
    if (BigInt(floor) >= BigInt(ceiling)) {
      violations.push(
        `${where}: HOT_WALLET_FLOOR_KOINU ${floor} is not below HOT_WALLET_CEILING_KOINU ${ceiling}`,
      );
    }
  }
  return violations;
}

// ---------------------------------------------------------------- docker-compose.yml

export interface ComposeColdOptions {
  /** The cold wallet's files that docker/generate-env.sh writes, relative to the repository root. */
  coldKeyFiles: string[];
}

/** The host paths a service gets as files: bind mounts, and the files of the Compose secrets it uses. */
function composeFilesOf(compose: ComposeFile, service: ComposeService): { what: string; path?: string }[] {
  const volumes = (service as { volumes?: (string | { type?: string; source?: string })[] }).volumes ?? [];
  const mounts = volumes.flatMap((volume) => {
    const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
    // A named volume is not a path of this machine.
    const isPath = /^[./~]/.test(source) || (typeof volume !== 'string' && volume.type === 'bind');
    return isPath ? [{ what: `mounts ${source}`, path: source }] : [];
  });
  const secrets = (service.secrets ?? []).map((secret) => {
    const name = typeof secret === 'string' ? secret : secret.source;
    const file = compose.secrets?.[name]?.file;
    return { what: `has the secret ${name}${file === undefined ? '' : ` (${file})`}`, path: file ?? name };
  });
  return [...mounts, ...secrets];
}

/** True when the host path is a cold key file, or a directory that holds one. */
function exposesColdFile(path: string, coldKeyFiles: string[]): boolean {
  if (COLD.test(path)) return true;
  const normalised = posix.normalize(path).replace(/\/+$/, '');
  return coldKeyFiles.some((file) => {
    const coldFile = posix.normalize(file);
    return normalised === '.' || coldFile === normalised || coldFile.startsWith(`${normalised}/`);
  });
}

/**
 * What is wrong with hot and cold custody in docker-compose.yml, one line each: the saga must read
 * COLD_ACCOUNT_XPUB (required) and its three limits from .env with defaults, the signer the same
 * COLD_ACCOUNT_XPUB as SIGNER_COLD_ACCOUNT_XPUB, no other service any cold setting, and no service a
 * cold key file (mounted, as a Compose secret, or inside a mounted directory).
 */
export function composeColdAccountViolations(compose: ComposeFile, options: ComposeColdOptions): string[] {
  const violations: string[] = [];
  const required = /^\$\{COLD_ACCOUNT_XPUB:\?[^}]*\}$/;
  for (const [name, variable] of Object.entries(COLD_XPUB_READERS)) {
    const service = compose.services[name];
    if (service === undefined) {
      violations.push(`${name}: no such service`);
      continue;
    }
    const value = serviceEnvironment(service)[variable];
    if (value === undefined || !required.test(value)) {
      violations.push(
        `${name}: ${variable} must be \${COLD_ACCOUNT_XPUB:?...} from .env, not ${value ?? 'unset'}`,
      );
    }
  }
  const saga = compose.services['withdrawal-saga'];
  if (saga !== undefined) {
    const environment = serviceEnvironment(saga);
    const limits: Partial<Record<(typeof HOT_WALLET_LIMITS)[number], string>> = {};
    for (const name of HOT_WALLET_LIMITS) {
      // ${NAME-default}: .env may set it, or empty it to turn the setting off; the default applies otherwise.
      const match = new RegExp(`^\\$\\{${name}:?-([^}]*)\\}$`).exec(environment[name] ?? '');
      if (match === null) {
        violations.push(
          `withdrawal-saga: ${name} must be \${${name}-<koinu>} from .env, not ${environment[name] ?? 'unset'}`,
        );
      } else {
        limits[name] = match[1];
      }
    }
    violations.push(...limitViolations('withdrawal-saga (defaults)', limits));
  }
  for (const [name, service] of Object.entries(compose.services)) {
    const environment = serviceEnvironment(service);
    const command = Array.isArray(service.command) ? service.command : [service.command ?? ''];
    const referenced = [...Object.values(environment), ...command].flatMap((value) =>
      [...value.matchAll(COLD_ENV_REFERENCE)].map((match) => match[1]!),
    );
    for (const variable of new Set(referenced)) {
      if (variable !== 'COLD_ACCOUNT_XPUB') {
        violations.push(
          `${name}: reads ${variable}; of the cold account only COLD_ACCOUNT_XPUB is configuration`,
        );
      } else if (!COLD_XPUB_MAY_READ.has(name)) {
        violations.push(`${name}: reads COLD_ACCOUNT_XPUB, ${COLD_XPUB_WHO}`);
      }
    }
    for (const { what, path } of composeFilesOf(compose, service)) {
      if (path !== undefined && exposesColdFile(path, options.coldKeyFiles)) {
        violations.push(`${name}: ${what}, which holds the cold account's keys`);
      }
    }
  }
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    if (exposesColdFile(secret.file ?? name, options.coldKeyFiles)) {
      violations.push(
        `secrets.${name}: declares ${secret.file ?? name}, which holds the cold account's keys`,
      );
    }
  }
  return violations;
}

// ---------------------------------------------------------------- Kubernetes

export interface ColdAccountOptions {
  /** The name a rendered Secret had in the manifests (the local overlay's generator appends a hash). */
  secretName?: (rendered: string) => string;
  /** The Secret the xpub comes from must be in the render (a Secret, or an ExternalSecret's target). */
  requireSecret?: boolean;
}

function secretExists(manifests: Manifest[], name: string): boolean {
  return manifests.some(
    (manifest) =>
      (manifest.kind === 'Secret' && manifest.metadata.name === name) ||
      (manifest.kind === 'ExternalSecret' &&
        ((manifest.spec as { target?: { name?: string } }).target?.name ?? manifest.metadata.name) === name),
  );
}

/** Every Secret or ConfigMap a volume shows as files, with the keys it shows (undefined: every key). */
function volumeSources(volume: Volume): { kind: string; name: string; keys?: string[] }[] {
  const keys = (items?: { key: string; path: string }[]) => items?.flatMap((item) => [item.key, item.path]);
  return [
    ...(volume.secret === undefined
      ? []
      : [{ kind: 'Secret', name: volume.secret.secretName, keys: keys(volume.secret.items) }]),
    ...(volume.configMap === undefined ? [] : [{ kind: 'ConfigMap', name: volume.configMap.name }]),
    ...(volume.projected?.sources ?? []).flatMap((source) => [
      ...(source.secret === undefined
        ? []
        : [{ kind: 'Secret', name: source.secret.name, keys: keys(source.secret.items) }]),
      ...(source.configMap === undefined ? [] : [{ kind: 'ConfigMap', name: source.configMap.name }]),
    ]),
  ];
}

/**
 * What is wrong with hot and cold custody in rendered manifests, one line each: the saga must read
 * COLD_ACCOUNT_XPUB and the signer SIGNER_COLD_ACCOUNT_XPUB from the same key `xpub` of the same
 * Secret (kept out of the repository like ACCOUNT_XPUB), the saga must have its three limits as values
 * with the floor below the ceiling, no other workload may read that Secret, the cold account's Secrets
 * and ExternalSecrets may hold the xpub alone, and nothing cold may be mounted as a file anywhere.
 */
export function coldAccountViolations(manifests: Manifest[], options: ColdAccountOptions = {}): string[] {
  const secretName = options.secretName ?? ((name: string) => name);
  const violations: string[] = [];
  const all = workloads(manifests);
  const sources = new Map<string, string>();
  for (const [name, variable] of Object.entries(COLD_XPUB_READERS)) {
    const workload = all.find((candidate) => candidate.metadata.name === name);
    if (workload === undefined) {
      violations.push(`${name}: no such workload`);
      continue;
    }
    for (const container of podTemplateOf(workload)!.spec.containers) {
      const at = `${workload.kind}/${name} (${container.name})`;
      const environment = environmentOf(container, manifests);
      const xpub = environment.get(variable);
      if (xpub?.kind !== 'secret') {
        violations.push(
          `${at}: ${variable} must come from a Secret (key ${COLD_XPUB_KEY}); it is ${
            xpub === undefined
              ? 'unset'
              : xpub.kind === 'value'
                ? 'a value committed with the manifests'
                : 'of unknown origin'
          }`,
        );
      } else {
        sources.set(name, `key ${xpub.key} of ${secretName(xpub.name)}`);
        if (options.requireSecret === true && !secretExists(manifests, xpub.name)) {
          violations.push(
            `${at}: ${variable} comes from ${secretName(xpub.name)}, which no Secret or ExternalSecret provides`,
          );
        }
        if (xpub.key !== COLD_XPUB_KEY)
          violations.push(`${at}: ${variable} is key ${xpub.key}, not ${COLD_XPUB_KEY}`);
        if (!COLD.test(secretName(xpub.name))) {
          violations.push(
            `${at}: ${variable} comes from ${secretName(xpub.name)}, a Secret not named for the cold account`,
          );
        }
      }
      if (name !== 'withdrawal-saga') continue;
      const limits: Partial<Record<(typeof HOT_WALLET_LIMITS)[number], string>> = {};
      for (const limit of HOT_WALLET_LIMITS) {
        const source = environment.get(limit);
        if (source?.kind === 'value') limits[limit] = source.value;
      }
      violations.push(...limitViolations(at, limits));
    }
  }
  const [sagaSource, signerSource] = [sources.get('withdrawal-saga'), sources.get('signer')];
  if (sagaSource !== undefined && signerSource !== undefined && sagaSource !== signerSource) {
    violations.push(
      `the saga reads the cold xpub from ${sagaSource}, the signer from ${signerSource}: they must be one`,
    );
  }
  for (const workload of all) {
    const name = workload.metadata.name;
    const where = `${workload.kind}/${name}`;
    const pod = podTemplateOf(workload)!.spec;
    for (const volume of pod.volumes ?? []) {
      for (const source of volumeSources(volume)) {
        const named = secretName(source.name);
        if (COLD.test(named) || (source.keys ?? []).some((key) => COLD.test(key))) {
          violations.push(
            `${where}: mounts the ${source.kind} ${named} as files; nothing of the cold account is ever a file in a pod`,
          );
        }
      }
    }
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const source of container.envFrom ?? []) {
        const ref = source.secretRef?.name ?? source.configMapRef?.name;
        if (ref !== undefined && COLD.test(secretName(ref))) {
          violations.push(
            `${where} (${container.name}): takes all of ${secretName(ref)} into its environment`,
          );
        }
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref === undefined || !COLD.test(secretName(ref.name))) continue;
        if (!COLD_XPUB_MAY_READ.has(name)) {
          violations.push(`${where} (${container.name}): reads ${secretName(ref.name)}, ${COLD_XPUB_WHO}`);
        } else if (ref.key !== COLD_XPUB_KEY) {
          violations.push(`${where} (${container.name}): reads key ${ref.key} of ${secretName(ref.name)}`);
        }
      }
    }
  }
  for (const manifest of manifests) {
    const where = `${manifest.kind}/${manifest.metadata.name}`;
    if (!COLD.test(secretName(manifest.metadata.name))) {
      // A cold key file slipped into another Secret (the signer's, say) would reach whoever mounts it.
      const coldKeys = Object.keys({ ...manifest.data, ...manifest.stringData }).filter((key) =>
        COLD.test(key),
      );
      if (coldKeys.length > 0) violations.push(`${where}: holds ${coldKeys.join(', ')}`);
      continue;
    }
    if (manifest.kind === 'Secret' || manifest.kind === 'ConfigMap') {
      const keys = Object.keys({ ...manifest.data, ...manifest.stringData }).sort();
      if (keys.join() !== COLD_XPUB_KEY)
        violations.push(`${where}: holds ${keys.join(', ') || 'nothing'}, not only ${COLD_XPUB_KEY}`);
    } else if (manifest.kind === 'ExternalSecret') {
      const spec = manifest.spec as { data?: { secretKey: string }[]; dataFrom?: unknown[] };
      const keys = (spec.data ?? []).map((entry) => entry.secretKey);
      if (spec.dataFrom !== undefined || keys.join() !== COLD_XPUB_KEY) {
        violations.push(
          `${where}: copies ${spec.dataFrom === undefined ? keys.join(', ') || 'nothing' : 'a whole secret'}, not only ${COLD_XPUB_KEY}`,
        );
      }
    }
  }
  return violations;
}
