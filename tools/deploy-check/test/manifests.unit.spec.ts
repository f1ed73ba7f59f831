// Proves that what `kubectl apply -k k8s/overlays/production` would create runs every service the
// way docs/deploy.md promises: a Deployment per service (the reconciler a daily CronJob), probes on
// the ports the services listen on, non-root pods on read-only filesystems, no committed secret,
// network isolation that leaves the signer reachable by nothing and able to reach only Kafka,
// every workload logging in to Kafka as its own principal with its own password and no other's, and
// hot and cold custody on: the saga and the signer read one cold xpub from one Secret, the saga its
// ceiling and floor, and nothing of the cold account's keys reaches a pod or a Secret.
// It renders the real kustomizations with kubectl (no cluster, no network).
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  admitsFrom,
  coldAccountViolations,
  envValue,
  findManifest,
  kafkaCredentialViolations,
  kafkaSecretName,
  literalSecrets,
  manifestsOfKind,
  parseManifests,
  podTemplateOf,
  reachableApps,
  renderKustomization,
  resolvePort,
  signerEgressViolations,
  signerIngressViolations,
  workloads,
  type Container,
  type CronJobSpec,
  type Labels,
  type Manifest,
  type PodTemplate,
  type ServiceSpec,
  type Volume,
} from '../src/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const k8s = join(repositoryRoot, 'k8s');

/** The HTTP_PORT of each service, from docs/CONVENTIONS.md. */
const servicePorts: Record<string, number> = {
  wallet: 7101,
  order: 7102,
  'deposit-watcher': 7103,
  'withdrawal-saga': 7104,
  signer: 7105,
  reconciler: 7106,
  web: 7107,
};
const longRunning = ['wallet', 'order', 'deposit-watcher', 'withdrawal-saga', 'signer', 'web'];
const withService = ['wallet', 'order', 'withdrawal-saga', 'web'];
const infrastructure = ['kafka', 'schema-registry', 'postgres', 'redis', 'dogecoind'];
/** The Kafka principal each workload logs in as; null for those that never connect to Kafka. */
const kafkaPrincipals: Record<string, string | null> = {
  ...Object.fromEntries(Object.keys(servicePorts).map((name) => [name, name])),
  'provision-topics': 'admin',
  'register-schemas': null,
  migrate: null,
};
const principals = [...new Set(Object.values(kafkaPrincipals).filter((name) => name !== null))].sort();
/** The local overlay's secretGenerator names each Secret with a hash of its content appended. */
const generatedName = (name: string): string => name.replace(/-[a-z0-9]{10}$/, '');

interface ExternalSecretSpec {
  data?: { secretKey: string; remoteRef: { key: string; property?: string } }[];
  dataFrom?: unknown[];
}

/** Who may open connections to whom inside the namespace: exactly this, in both directions. */
const expectedReach: Record<string, string[]> = {
  wallet: ['postgres', 'redis', 'kafka', 'schema-registry'],
  order: ['postgres', 'kafka', 'schema-registry', 'wallet'],
  'deposit-watcher': ['postgres', 'kafka', 'schema-registry', 'dogecoind'],
  'withdrawal-saga': ['postgres', 'kafka', 'schema-registry', 'dogecoind'],
  reconciler: ['postgres', 'kafka', 'schema-registry', 'dogecoind'],
  signer: ['kafka', 'schema-registry', 'postgres'],
  web: ['kafka', 'schema-registry', 'wallet', 'order'],
  'provision-topics': ['kafka'],
  'register-schemas': ['schema-registry'],
  migrate: ['postgres'],
};

const app = (name: string): Labels => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'dbay',
});
const everyPod: Labels[] = [...Object.keys(expectedReach), ...infrastructure].map(app);

function template(manifests: Manifest[], kind: string, name: string): PodTemplate {
  const manifest = findManifest(manifests, kind, name);
  expect(manifest, `${kind} ${name}`).to.not.equal(undefined);
  return podTemplateOf(manifest!)!;
}

function onlyContainer(podTemplate: PodTemplate): Container {
  expect(podTemplate.spec.containers).to.have.length(1);
  return podTemplate.spec.containers[0]!;
}

function fetchProbeUrl(container: Container, probe: 'readinessProbe' | 'livenessProbe'): string | undefined {
  const script = container[probe]?.exec?.command.join(' ') ?? '';
  return /fetch\('([^']+)'\)/.exec(script)?.[1];
}

function yamlFilesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return entry === 'secrets' ? [] : yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

describe('k8s/overlays/production, as kubectl kustomize renders it', () => {
  let manifests: Manifest[];
  let policies: Manifest[];

  before(() => {
    manifests = renderKustomization(join(k8s, 'overlays/production'));
    policies = manifestsOfKind(manifests, 'NetworkPolicy');
  });

  it('puts every namespaced object in the dbay namespace', () => {
    const stray = manifests
      .filter((manifest) => manifest.kind !== 'Namespace' && manifest.metadata.namespace !== 'dbay')
      .map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
    expect(stray).to.deep.equal([]);
  });

  it('runs each long-running service as a Deployment of its own main.ts', () => {
    for (const name of longRunning) {
      const container = onlyContainer(template(manifests, 'Deployment', name));
      expect(container.image, name).to.match(/\/dbay\/platform:[\w.-]+$/);
      expect(container.args, name).to.deep.equal(['node', '--import', 'tsx', `services/${name}/src/main.ts`]);
      expect(envValue(container, 'HTTP_PORT'), name).to.equal(String(servicePorts[name]));
    }
  });

  it('runs web without the development login: no WEB_DEV_LOGIN and no private key anywhere', () => {
    const container = onlyContainer(template(manifests, 'Deployment', 'web'));
    expect(envValue(container, 'WEB_DEV_LOGIN')).to.equal(undefined);
    const settings = manifestsOfKind(manifests, 'ConfigMap').flatMap((configMap) =>
      Object.keys(configMap.data ?? {}),
    );
    expect(settings).to.not.include('WEB_DEV_LOGIN');
    expect(settings.filter((name) => name.startsWith('USER_JWT_PRIVATE_KEY'))).to.deep.equal([]);
  });

  it('runs the reconciler as a daily CronJob in --once mode that never overlaps or retries', () => {
    expect(findManifest(manifests, 'Deployment', 'reconciler')).to.equal(undefined);
    const cronJob = findManifest(manifests, 'CronJob', 'reconciler')!;
    const spec = cronJob.spec as CronJobSpec;
    expect(spec.schedule.split(' ').slice(2)).to.deep.equal(['*', '*', '*']);
    expect(spec.concurrencyPolicy).to.equal('Forbid');
    expect(spec.jobTemplate.spec.backoffLimit).to.equal(0);
    const container = onlyContainer(spec.jobTemplate.spec.template);
    expect(container.args).to.deep.equal([
      'node',
      '--import',
      'tsx',
      'services/reconciler/src/main.ts',
      '--once',
    ]);
    // A --once run opens no port, so a probe would only ever kill it: the deadline ends a hung run.
    expect(container.livenessProbe).to.equal(undefined);
    expect(spec.jobTemplate.spec.activeDeadlineSeconds).to.be.a('number');
  });

  it('probes readiness on /readyz and liveness on /healthz at the port each service listens on', () => {
    for (const name of longRunning.filter((service) => service !== 'signer')) {
      const container = onlyContainer(template(manifests, 'Deployment', name));
      const readiness = container.readinessProbe?.httpGet;
      const liveness = container.livenessProbe?.httpGet;
      expect(readiness?.path, name).to.equal('/readyz');
      expect(liveness?.path, name).to.equal('/healthz');
      expect(resolvePort(container, readiness!.port), name).to.equal(servicePorts[name]);
      expect(resolvePort(container, liveness!.port), name).to.equal(servicePorts[name]);
    }
  });

  it('probes the signer from inside its container, because its port listens on 127.0.0.1 only', () => {
    const container = onlyContainer(template(manifests, 'Deployment', 'signer'));
    expect(container.ports ?? []).to.deep.equal([]);
    expect(fetchProbeUrl(container, 'readinessProbe')).to.equal('http://127.0.0.1:7105/readyz');
    expect(fetchProbeUrl(container, 'livenessProbe')).to.equal('http://127.0.0.1:7105/healthz');
  });

  it('gives a Service to the HTTP services and none that could route to the signer', () => {
    const services = manifestsOfKind(manifests, 'Service');
    for (const name of withService) {
      const service = findManifest(manifests, 'Service', name)!;
      expect((service.spec as ServiceSpec).selector, name).to.deep.include({
        'app.kubernetes.io/name': name,
      });
    }
    const signerPod = template(manifests, 'Deployment', 'signer').metadata.labels;
    const toSigner = services.filter((service) => {
      const selector = (service.spec as ServiceSpec).selector;
      return (
        selector === undefined || Object.entries(selector).every(([key, value]) => signerPod[key] === value)
      );
    });
    expect(toSigner.map((service) => service.metadata.name)).to.deep.equal([]);
    expect(manifestsOfKind(manifests, 'Ingress')).to.deep.equal([]);
  });

  it('runs every pod as a non-root user, without privileges, on a read-only root filesystem', () => {
    for (const workload of workloads(manifests)) {
      const where = `${workload.kind}/${workload.metadata.name}`;
      const pod = podTemplateOf(workload)!.spec;
      expect(pod.securityContext?.runAsNonRoot, where).to.equal(true);
      expect(pod.securityContext?.runAsUser, where).to.be.above(0);
      expect(pod.securityContext?.seccompProfile?.type, where).to.equal('RuntimeDefault');
      expect(pod.automountServiceAccountToken, where).to.equal(false);
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext?.allowPrivilegeEscalation, where).to.equal(false);
        expect(container.securityContext?.readOnlyRootFilesystem, where).to.equal(true);
        expect(container.securityContext?.capabilities?.drop, where).to.deep.equal(['ALL']);
        expect(container.resources?.limits?.memory, where).to.be.a('string');
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir, where).to.not.equal(
          undefined,
        );
      }
    }
  });

  it('denies all traffic in the namespace by default', () => {
    const defaultDeny = policies.filter((policy) => {
      const spec = policy.spec as {
        podSelector: object;
        policyTypes?: string[];
        ingress?: unknown[];
        egress?: unknown[];
      };
      return (
        Object.keys(spec.podSelector).length === 0 &&
        spec.policyTypes?.includes('Ingress') === true &&
        spec.policyTypes.includes('Egress') &&
        (spec.ingress ?? []).length === 0 &&
        (spec.egress ?? []).length === 0
      );
    });
    expect(defaultDeny).to.have.length(1);
  });

  it('lets nothing open a connection to the signer', () => {
    const signerPod = template(manifests, 'Deployment', 'signer').metadata.labels;
    expect(signerIngressViolations(policies, signerPod, everyPod)).to.deep.equal([]);
  });

  it('lets the signer reach Kafka, the registry, Postgres and DNS, plus only the AWS endpoints of its seed', () => {
    const signerPod = template(manifests, 'Deployment', 'signer').metadata.labels;
    expect(signerEgressViolations(policies, signerPod, { allowAwsEndpoints: true })).to.deep.equal([]);
    expect(reachableApps(policies, signerPod, everyPod)).to.deep.equal({
      names: new Set(['kafka', 'schema-registry', 'postgres']),
      anywhere: false,
    });
  });

  it('lets each workload reach exactly the pods it needs, and those pods admit it', () => {
    for (const [name, targets] of Object.entries(expectedReach)) {
      const reach = reachableApps(policies, app(name), everyPod);
      expect(reach.anywhere, name).to.equal(false);
      expect([...reach.names].sort(), name).to.deep.equal([...targets].sort());
      for (const target of targets) {
        expect(admitsFrom(policies, app(target), app(name)), `${target} admits ${name}`).to.equal(true);
      }
    }
  });

  it('gives the signer its seed through IRSA and Secrets Manager, never through a Kubernetes Secret', () => {
    const signer = template(manifests, 'Deployment', 'signer');
    const container = onlyContainer(signer);
    const secretRefs = [
      ...(container.envFrom ?? []).filter((source) => source.secretRef !== undefined),
      ...(container.env ?? []).filter((variable) => variable.valueFrom?.secretKeyRef !== undefined),
      ...(signer.spec.volumes ?? []).filter((volume) => volume.secret !== undefined),
    ];
    // The Secrets it reads hold its Postgres connection string, its Kafka password and the cold
    // account's (public) xpub, nothing else.
    expect(secretRefs).to.deep.equal([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'dbay-signer-database', key: 'DATABASE_URL' } },
      },
      {
        name: 'SIGNER_COLD_ACCOUNT_XPUB',
        valueFrom: { secretKeyRef: { name: 'dbay-cold-account-xpub', key: 'xpub' } },
      },
      {
        name: 'kafka-password',
        secret: {
          secretName: 'kafka-signer',
          defaultMode: 0o400,
          items: [{ key: 'password', path: 'password' }],
        },
      },
    ]);
    const account = findManifest(manifests, 'ServiceAccount', signer.spec.serviceAccountName ?? 'default')!;
    expect(account.metadata.annotations?.['eks.amazonaws.com/role-arn']).to.match(
      /^arn:aws:iam::\d{12}:role\//,
    );
    expect(findManifest(manifests, 'ConfigMap', 'signer')?.data?.SIGNER_SECRET_PROVIDER).to.equal(
      'aws-secrets-manager',
    );
    const externalSecrets = manifestsOfKind(manifests, 'ExternalSecret').map(
      (secret) => secret.metadata.name,
    );
    expect(externalSecrets.filter((name) => name.includes('signer'))).to.deep.equal([
      'dbay-signer-database',
      'kafka-signer',
    ]);
    const seedSecretId = findManifest(manifests, 'ConfigMap', 'signer')?.data?.SIGNER_AWS_SECRET_ID;
    for (const [name, key] of [
      ['dbay-signer-database', 'DATABASE_URL'],
      ['kafka-signer', 'password'],
      ['dbay-cold-account-xpub', 'xpub'],
    ] as const) {
      const { spec } = findManifest(manifests, 'ExternalSecret', name) as unknown as {
        spec: ExternalSecretSpec;
      };
      expect(spec.dataFrom, name).to.equal(undefined);
      expect(
        spec.data?.map((entry) => entry.secretKey),
        name,
      ).to.deep.equal([key]);
      expect(
        spec.data?.map((entry) => entry.remoteRef.key),
        name,
      ).to.not.include(seedSecretId);
    }
  });

  it('logs every workload in to Kafka as its own principal, with its own password and no other', () => {
    expect(kafkaCredentialViolations(manifests, kafkaPrincipals)).to.deep.equal([]);
    // Each password is a Secrets Manager secret of its own, copied into its kafka-<principal> Secret.
    for (const principal of principals) {
      const externalSecret = findManifest(manifests, 'ExternalSecret', kafkaSecretName(principal));
      expect(externalSecret, principal).to.not.equal(undefined);
      const spec = externalSecret!.spec as ExternalSecretSpec;
      expect(spec.dataFrom, principal).to.equal(undefined);
      expect(spec.data, principal).to.deep.equal([
        {
          secretKey: 'password',
          remoteRef: { key: `dbay/production/kafka/${principal}`, property: 'password' },
        },
      ]);
    }
    // Production's brokers are reached over TLS (SASL_SSL).
    expect(findManifest(manifests, 'ConfigMap', 'dbay-platform')?.data?.KAFKA_SSL).to.equal('true');
  });

  it('sweeps to cold: the saga and the signer read one xpub from Secrets Manager, the saga its limits', () => {
    expect(coldAccountViolations(manifests, { requireSecret: true })).to.deep.equal([]);
    const { spec } = findManifest(manifests, 'ExternalSecret', 'dbay-cold-account-xpub') as unknown as {
      spec: ExternalSecretSpec;
    };
    expect(spec.data).to.deep.equal([
      { secretKey: 'xpub', remoteRef: { key: 'dbay/production/cold-account-xpub', property: 'xpub' } },
    ]);
  });

  it('commits no Secret and no secret value, in the render or anywhere under k8s/', () => {
    expect(manifestsOfKind(manifests, 'Secret')).to.deep.equal([]);
    const settings = [
      ...manifestsOfKind(manifests, 'ConfigMap').flatMap((configMap) =>
        Object.entries(configMap.data ?? {}).map(([name, value]) => ({
          where: `ConfigMap/${configMap.metadata.name}`,
          name,
          value,
        })),
      ),
      ...workloads(manifests).flatMap((workload) =>
        podTemplateOf(workload)!.spec.containers.flatMap((container) =>
          (container.env ?? [])
            .filter((variable) => variable.value !== undefined)
            .map((variable) => ({
              where: `${workload.kind}/${workload.metadata.name}`,
              name: variable.name,
              value: variable.value!,
            })),
        ),
      ),
    ];
    expect(literalSecrets(settings)).to.deep.equal([]);
    const committedSecrets = yamlFilesUnder(k8s).filter((file) =>
      parseManifests(readFileSync(file, 'utf8')).some((manifest) => manifest.kind === 'Secret'),
    );
    expect(committedSecrets).to.deep.equal([]);
  });

  it('provisions topics, schemas and migrations with one-shot Jobs', () => {
    const jobs: Record<string, string[]> = {
      'provision-topics': ['node', '--import', 'tsx', 'scripts/provision.ts', 'topics', 'acls'],
      'register-schemas': ['node', '--import', 'tsx', 'scripts/provision.ts', 'schemas'],
      migrate: ['node', '--import', 'tsx', 'scripts/migrate.ts'],
    };
    for (const [name, args] of Object.entries(jobs)) {
      expect(onlyContainer(template(manifests, 'Job', name)).args, name).to.deep.equal(args);
    }
    const topics = onlyContainer(template(manifests, 'Job', 'provision-topics'));
    expect(envValue(topics, 'KAFKA_REPLICATION_FACTOR')).to.equal('3');
  });
});

describe('k8s/base, as kubectl kustomize renders it', () => {
  let manifests: Manifest[];

  before(() => {
    manifests = renderKustomization(join(k8s, 'base'));
  });

  it('lets the signer reach Kafka, the registry, Postgres and DNS and nothing else, not even AWS', () => {
    const policies = manifestsOfKind(manifests, 'NetworkPolicy');
    const signerPod = template(manifests, 'Deployment', 'signer').metadata.labels;
    expect(signerEgressViolations(policies, signerPod, { allowAwsEndpoints: false })).to.deep.equal([]);
    expect(signerIngressViolations(policies, signerPod, everyPod)).to.deep.equal([]);
  });

  it('logs every workload in to Kafka as its own principal, with its own password and no other', () => {
    expect(kafkaCredentialViolations(manifests, kafkaPrincipals)).to.deep.equal([]);
  });

  it('gives the saga its hot wallet limits and both the saga and the signer the one cold xpub', () => {
    expect(coldAccountViolations(manifests)).to.deep.equal([]);
    const limits = findManifest(manifests, 'ConfigMap', 'withdrawal-saga')?.data;
    // docs/deploy.md, "Hot and cold custody": 10,000, 2,500 and 100 DOGE.
    expect(limits).to.deep.equal({
      HOT_WALLET_CEILING_KOINU: '1000000000000',
      HOT_WALLET_FLOOR_KOINU: '250000000000',
      HOT_WALLET_SWEEP_MIN_KOINU: '10000000000',
    });
  });
});

describe('k8s/overlays/local, rendered with generated secrets', () => {
  let scratch: string;
  let manifests: Manifest[];
  const coldXpub =
    'tpubDCold0000000000000000000000000000000000000000000000000000000000000000000000000000000000';
  const coldKeyFile = '{"cold-key-file-marker":"8c1f0e"}';
  const coldPassphrase = 'cold-passphrase-marker-5d2a9b';

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'dbay-deploy-check-'));
    cpSync(k8s, join(scratch, 'k8s'), { recursive: true });
    // .env.example with every empty placeholder filled, as docker/generate-env.sh would.
    const env = join(scratch, 'test.env');
    const example = readFileSync(join(repositoryRoot, '.env.example'), 'utf8');
    writeFileSync(
      env,
      example.replace(/^([A-Z_]+)=$/gm, '$1=generated').replace(/^COLD_ACCOUNT_XPUB=.*\n/m, '') +
        `COLD_ACCOUNT_XPUB=${coldXpub}\n`,
    );
    writeFileSync(join(scratch, 'signer.key.json'), '{}');
    writeFileSync(join(scratch, 'signer.passphrase'), 'generated');
    // The cold wallet docker/generate-env.sh keeps beside the signer's, for rehearsing refills only.
    writeFileSync(join(scratch, 'cold.key.json'), coldKeyFile);
    writeFileSync(join(scratch, 'cold.passphrase'), coldPassphrase);
    execFileSync('sh', [join(scratch, 'k8s/overlays/local/generate-secrets.sh'), env, scratch], {
      stdio: 'ignore',
    });
    manifests = renderKustomization(join(scratch, 'k8s/overlays/local'));
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('keeps the signer isolated and feeds it the local key file', () => {
    const policies = manifestsOfKind(manifests, 'NetworkPolicy');
    const signer = template(manifests, 'Deployment', 'signer');
    expect(
      signerEgressViolations(policies, signer.metadata.labels, { allowAwsEndpoints: false }),
    ).to.deep.equal([]);
    expect(signerIngressViolations(policies, signer.metadata.labels, everyPod)).to.deep.equal([]);
    expect(findManifest(manifests, 'ConfigMap', 'signer')?.data?.SIGNER_SECRET_PROVIDER).to.equal('key-file');
  });

  it("gives the saga and the signer the cold xpub from .env, and never the cold account's key file or passphrase", () => {
    expect(
      coldAccountViolations(manifests, { secretName: generatedName, requireSecret: true }),
    ).to.deep.equal([]);
    const xpubSecret = manifestsOfKind(manifests, 'Secret').find(
      (secret) => generatedName(secret.metadata.name) === 'dbay-cold-account-xpub',
    );
    expect(Buffer.from(xpubSecret?.data?.xpub ?? '', 'base64').toString('utf8')).to.equal(coldXpub);
    // Their content appears in no generated file, no Secret and no ConfigMap.
    const rendered = manifests.flatMap((manifest) =>
      Object.values({ ...manifest.data, ...manifest.stringData }).map((value) =>
        manifest.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value,
      ),
    );
    const secretsDir = join(scratch, 'k8s/overlays/local/secrets');
    const generated = readdirSync(secretsDir).map((file) => readFileSync(join(secretsDir, file), 'utf8'));
    for (const marker of [coldKeyFile, coldPassphrase]) {
      expect(
        rendered.filter((value) => value.includes(marker)),
        marker,
      ).to.deep.equal([]);
      expect(
        generated.filter((value) => value.includes(marker)),
        marker,
      ).to.deep.equal([]);
    }
  });

  it('runs every piece of infrastructure the policies name, labelled as they expect', () => {
    const running = workloads(manifests).map(
      (workload) => podTemplateOf(workload)!.metadata.labels['app.kubernetes.io/name'],
    );
    expect(running).to.include.members(infrastructure);
    const rpcPort = onlyContainer(template(manifests, 'StatefulSet', 'dogecoind')).ports?.find(
      (port) => port.name === 'rpc',
    );
    expect(rpcPort?.containerPort).to.equal(18332);
  });

  it('logs every workload in to Kafka as its own principal, and gives the broker every SCRAM user', () => {
    expect(
      kafkaCredentialViolations(manifests, kafkaPrincipals, {
        secretName: generatedName,
        brokers: ['kafka'],
      }),
    ).to.deep.equal([]);
    const kafka = template(manifests, 'StatefulSet', 'kafka');
    const container = onlyContainer(kafka);
    expect(container.command).to.deep.equal(['sh', '/opt/dbay/kafka-sasl-start.sh']);
    expect(envValue(container, 'KAFKA_SCRAM_USERS')?.split(' ').sort()).to.deep.equal(
      principals.filter((name) => name !== 'admin'),
    );
    // One file per principal, named after it, each from that principal's Secret.
    const passwordsDir = envValue(container, 'KAFKA_PASSWORDS_DIR');
    const mount = container.volumeMounts?.find((entry) => entry.mountPath === passwordsDir);
    const sources =
      kafka.spec.volumes?.find((volume) => volume.name === mount?.name)?.projected?.sources ?? [];
    expect(
      sources.map((source) => [generatedName(source.secret!.name), source.secret!.items]).sort(),
    ).to.deep.equal(
      principals.map((principal) => [kafkaSecretName(principal), [{ key: 'password', path: principal }]]),
    );
    const start = kafka.spec.volumes?.find((volume) =>
      container.volumeMounts?.some((entry) => entry.name === volume.name && entry.mountPath === '/opt/dbay'),
    );
    expect(generatedName(start?.configMap?.name ?? '')).to.equal('kafka-sasl-start');
  });

  it('initialises Postgres and Kafka with the same files as docker-compose.yml', () => {
    for (const file of ['postgres-init.sql', 'postgres-passwords.sh', 'kafka-sasl-start.sh']) {
      expect(readFileSync(join(k8s, 'overlays/local/infra', file), 'utf8'), file).to.equal(
        readFileSync(join(repositoryRoot, 'docker', file), 'utf8'),
      );
    }
  });
});

describe('the isolation checks themselves', () => {
  const signerPod = app('signer');
  const policy = (name: string, spec: object): Manifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec,
  });
  const isolated = policy('signer', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'signer' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    egress: [
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka' } } }],
        ports: [{ port: 9092 }],
      },
    ],
  });

  it('accept a signer that reaches only Kafka', () => {
    expect(signerEgressViolations([isolated], signerPod, { allowAwsEndpoints: false })).to.deep.equal([]);
    expect(signerIngressViolations([isolated], signerPod, everyPod)).to.deep.equal([]);
  });

  const policyWithEgress = (egress: unknown[]): Manifest[] => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'signer' },
      spec: {
        podSelector: { matchLabels: signerPod },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress,
      },
    },
  ];
  const to = (app: string, port: number) => ({
    to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': app } } }],
    ports: [{ protocol: 'TCP', port }],
  });

  it('accept Kafka, the registry and Postgres on their own ports', () => {
    const policies = policyWithEgress([to('kafka', 9092), to('schema-registry', 8080), to('postgres', 5432)]);
    expect(signerEgressViolations(policies, signerPod, { allowAwsEndpoints: false })).to.deep.equal([]);
  });

  it('catch the chain node, another service, a wrong port, a loose selector and the open internet', () => {
    const broken = [
      to('dogecoind', 18332),
      to('wallet', 7101),
      to('postgres', 9092),
      {
        to: [{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ];
    for (const rule of broken) {
      const violations = signerEgressViolations(policyWithEgress([rule]), signerPod, {
        allowAwsEndpoints: true,
      });
      expect(violations, JSON.stringify(rule)).to.have.length(1);
    }
  });

  it('catch a second policy that opens the signer egress to everything or to the chain node', () => {
    const open = policy('open', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const chain = policy('chain', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'signer' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'dogecoind' } } }],
          ports: [{ port: 18332 }],
        },
      ],
    });
    expect(signerEgressViolations([isolated, open], signerPod, { allowAwsEndpoints: true })).to.have.length(
      1,
    );
    expect(signerEgressViolations([isolated, chain], signerPod, { allowAwsEndpoints: true })).to.have.length(
      1,
    );
  });

  it('catch the internet disguised as an AWS endpoint, and any ingress rule', () => {
    const internet = policy('internet', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'signer' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }],
    });
    const fromWallet = policy('from-wallet', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'signer' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'wallet' } } }] }],
    });
    expect(
      signerEgressViolations([isolated, internet], signerPod, { allowAwsEndpoints: true }),
    ).to.have.length(1);
    expect(signerIngressViolations([isolated, fromWallet], signerPod, everyPod)).to.include('admits wallet');
  });

  it('catch a signer that no policy restricts', () => {
    expect(signerEgressViolations([], signerPod, { allowAwsEndpoints: false })).to.have.length(1);
    expect(signerIngressViolations([], signerPod, everyPod)).to.have.length(1);
  });
});

describe('the Kafka credential checks themselves', () => {
  const platform: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'dbay-platform' },
    data: { KAFKA_SASL_MECHANISM: 'scram-sha-512' },
  };
  const deployment = (name: string, container: Partial<Container>, volumes: Volume[]): Manifest => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: app(name) },
      template: {
        metadata: { labels: app(name) },
        spec: {
          containers: [
            {
              name,
              image: 'dbay/platform',
              envFrom: [{ configMapRef: { name: 'dbay-platform' } }],
              ...container,
            },
          ],
          volumes,
        },
      },
    },
  });
  const passwordVolume = (secretName: string): Volume => ({
    name: 'kafka-password',
    secret: { secretName, defaultMode: 0o400, items: [{ key: 'password', path: 'password' }] },
  });
  const username = (name: string) => ({ name: 'KAFKA_SASL_USERNAME', value: name });
  const passwordFile = { name: 'KAFKA_SASL_PASSWORD_FILE', value: '/var/run/dbay/kafka/password' };
  const wallet = (container: Partial<Container> = {}, volumes = [passwordVolume('kafka-wallet')]) =>
    deployment(
      'wallet',
      {
        env: [username('wallet'), passwordFile],
        volumeMounts: [{ name: 'kafka-password', mountPath: '/var/run/dbay/kafka', readOnly: true }],
        ...container,
      },
      volumes,
    );
  const check = (...manifests: Manifest[]) =>
    kafkaCredentialViolations([platform, ...manifests], { wallet: 'wallet', 'register-schemas': null });
  const registerSchemas = (volumes: Volume[] = []) => deployment('register-schemas', {}, volumes);

  it('accept its own principal with the password of its own Secret, as a file or a secretKeyRef', () => {
    expect(check(wallet(), registerSchemas())).to.deep.equal([]);
    const fromSecretKeyRef = wallet(
      {
        env: [
          username('wallet'),
          {
            name: 'KAFKA_SASL_PASSWORD',
            valueFrom: { secretKeyRef: { name: 'kafka-wallet', key: 'password' } },
          },
        ],
        volumeMounts: [],
      },
      [],
    );
    expect(check(fromSecretKeyRef, registerSchemas())).to.deep.equal([]);
  });

  it('catch a workload without its principal, its password or the mechanism, or with a literal password', () => {
    const broken: Record<string, Manifest> = {
      'no username': wallet({ env: [passwordFile] }),
      'no password': wallet({ env: [username('wallet')] }),
      'no mechanism': wallet({ envFrom: [] }),
      'a password file no Secret provides': wallet({ volumeMounts: [] }),
      'a literal password': wallet({
        env: [username('wallet'), { name: 'KAFKA_SASL_PASSWORD', value: 'hunter2' }],
      }),
    };
    for (const [name, manifest] of Object.entries(broken)) {
      expect(check(manifest, registerSchemas()), name).to.have.length(1);
    }
    expect(check(registerSchemas())).to.deep.equal(['wallet: no such workload']);
  });

  it("catch another principal's name, and another principal's Secret anywhere in the pod", () => {
    expect(check(wallet({ env: [username('order'), passwordFile] }), registerSchemas())).to.deep.equal([
      'Deployment/wallet (wallet): logs in to Kafka as order, not as wallet',
    ]);
    expect(check(wallet({}, [passwordVolume('kafka-order')]), registerSchemas())).to.deep.equal([
      'Deployment/wallet: holds the Kafka Secret kafka-order, which is not its own (kafka-wallet)',
      'Deployment/wallet (wallet): its Kafka password is password of kafka-order, not password of kafka-wallet',
    ]);
    const unusedAdmin: Volume = { name: 'admin', secret: { secretName: 'kafka-admin' } };
    expect(check(wallet({}, [passwordVolume('kafka-wallet'), unusedAdmin]), registerSchemas())).to.deep.equal(
      ['Deployment/wallet: holds the Kafka Secret kafka-admin, which is not its own (kafka-wallet)'],
    );
    const envFromWeb = wallet({
      envFrom: [{ configMapRef: { name: 'dbay-platform' } }, { secretRef: { name: 'kafka-web' } }],
    });
    expect(check(envFromWeb, registerSchemas())).to.deep.equal([
      'Deployment/wallet: holds the Kafka Secret kafka-web, which is not its own (kafka-wallet)',
    ]);
  });

  it('catch a Kafka password in a workload that never logs in to Kafka, the brokers apart', () => {
    expect(check(wallet(), registerSchemas([passwordVolume('kafka-admin')]))).to.deep.equal([
      'Deployment/register-schemas: holds the Kafka Secret kafka-admin, but never logs in to Kafka',
    ]);
    const users: Volume = {
      name: 'users',
      projected: { sources: [{ secret: { name: 'kafka-admin' } }, { secret: { name: 'kafka-wallet' } }] },
    };
    const broker = deployment('kafka', {}, [users]);
    expect(check(wallet(), registerSchemas(), broker)).to.have.length(2);
    expect(
      kafkaCredentialViolations(
        [platform, wallet(), registerSchemas(), broker],
        { wallet: 'wallet' },
        {
          brokers: ['kafka'],
        },
      ),
    ).to.deep.equal([]);
  });
});

describe('the cold account checks themselves', () => {
  const limits: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'withdrawal-saga' },
    data: {
      HOT_WALLET_CEILING_KOINU: '1000000000000',
      HOT_WALLET_FLOOR_KOINU: '250000000000',
      HOT_WALLET_SWEEP_MIN_KOINU: '10000000000',
    },
  };
  const xpubSecret = (data: Record<string, string> = { xpub: 'dHB1Yg==' }): Manifest => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'dbay-cold-account-xpub' },
    data,
  });
  const fromSecret = (name: string, secret = 'dbay-cold-account-xpub', key = 'xpub') => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const deployment = (name: string, container: Partial<Container>, volumes: Volume[] = []): Manifest => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: app(name) },
      template: {
        metadata: { labels: app(name) },
        spec: { containers: [{ name, image: 'dbay/platform', ...container }], volumes },
      },
    },
  });
  const saga = (container: Partial<Container> = {}, volumes: Volume[] = []) =>
    deployment(
      'withdrawal-saga',
      {
        env: [fromSecret('COLD_ACCOUNT_XPUB')],
        envFrom: [{ configMapRef: { name: 'withdrawal-saga' } }],
        ...container,
      },
      volumes,
    );
  const signer = (container: Partial<Container> = {}, volumes: Volume[] = []) =>
    deployment('signer', { env: [fromSecret('SIGNER_COLD_ACCOUNT_XPUB')], ...container }, volumes);
  const check = (...manifests: Manifest[]) =>
    coldAccountViolations(manifests, { requireSecret: true }).join('\n');

  it('accept the saga and the signer on the one xpub Secret, with the limits from a ConfigMap', () => {
    expect(check(limits, xpubSecret(), saga(), signer())).to.equal('');
  });

  it('catch a missing, literal or second xpub, a Secret nobody provides, and missing or inverted limits', () => {
    const broken: Record<string, [Manifest[], string]> = {
      'no saga xpub': [
        [limits, xpubSecret(), saga({ env: [] }), signer()],
        'COLD_ACCOUNT_XPUB must come from a Secret (key xpub); it is unset',
      ],
      'a literal signer xpub': [
        [
          limits,
          xpubSecret(),
          saga(),
          signer({ env: [{ name: 'SIGNER_COLD_ACCOUNT_XPUB', value: 'dgub' }] }),
        ],
        'SIGNER_COLD_ACCOUNT_XPUB must come from a Secret (key xpub); it is a value committed with the manifests',
      ],
      'the signer on another Secret': [
        [
          limits,
          xpubSecret(),
          saga(),
          signer({ env: [fromSecret('SIGNER_COLD_ACCOUNT_XPUB', 'dbay-cold-account-xpub-2')] }),
        ],
        'the saga reads the cold xpub from key xpub of dbay-cold-account-xpub, the signer from',
      ],
      'no Secret behind it': [[limits, saga(), signer()], 'which no Secret or ExternalSecret provides'],
      'no signer': [[limits, xpubSecret(), saga()], 'signer: no such workload'],
      'no limits': [[xpubSecret(), saga(), signer()], 'HOT_WALLET_CEILING_KOINU is not set'],
      'a floor at the ceiling': [
        [
          { ...limits, data: { ...limits.data, HOT_WALLET_FLOOR_KOINU: '1000000000000' } },
          xpubSecret(),
          saga(),
          signer(),
        ],
        'HOT_WALLET_FLOOR_KOINU 1000000000000 is not below HOT_WALLET_CEILING_KOINU 1000000000000',
      ],
    };
    for (const [name, [manifests, violation]] of Object.entries(broken)) {
      expect(check(...manifests), name).to.include(violation);
    }
  });

  it("catch the cold account's Secret mounted, holding more than the xpub, or read by another workload", () => {
    const broken: Record<string, [Manifest[], string]> = {
      'the xpub Secret as a volume': [
        [
          limits,
          xpubSecret(),
          saga(),
          signer({}, [{ name: 'cold', secret: { secretName: 'dbay-cold-account-xpub' } }]),
        ],
        'Deployment/signer: mounts the Secret dbay-cold-account-xpub as files',
      ],
      'a cold key file inside the signer key Secret': [
        [
          limits,
          xpubSecret(),
          saga(),
          signer({}, [
            {
              name: 'signer-key',
              projected: {
                sources: [
                  { secret: { name: 'signer-key', items: [{ key: 'cold.key.json', path: 'k.json' }] } },
                ],
              },
            },
          ]),
        ],
        'Deployment/signer: mounts the Secret signer-key as files',
      ],
      "a cold key file in the signer's Secret": [
        [
          limits,
          xpubSecret(),
          {
            ...xpubSecret({ 'signer.key.json': 'e30=', 'cold.key.json': 'e30=' }),
            metadata: { name: 'signer-key' },
          },
          saga(),
          signer(),
        ],
        'Secret/signer-key: holds cold.key.json',
      ],
      'a passphrase beside the xpub': [
        [limits, xpubSecret({ xpub: 'eA==', passphrase: 'eA==' }), saga(), signer()],
        'Secret/dbay-cold-account-xpub: holds passphrase, xpub, not only xpub',
      ],
      'the whole Secret in the environment': [
        [
          limits,
          xpubSecret(),
          saga({
            env: [fromSecret('COLD_ACCOUNT_XPUB')],
            envFrom: [
              { configMapRef: { name: 'withdrawal-saga' } },
              { secretRef: { name: 'dbay-cold-account-xpub' } },
            ],
          }),
          signer(),
        ],
        'takes all of dbay-cold-account-xpub into its environment',
      ],
      'the web service reading it': [
        [limits, xpubSecret(), saga(), signer(), deployment('web', { env: [fromSecret('X')] })],
        'Deployment/web (web): reads dbay-cold-account-xpub, which only the saga, the signer and the wallet read',
      ],
      'an ExternalSecret copying a whole secret': [
        [
          limits,
          saga(),
          signer(),
          {
            apiVersion: 'external-secrets.io/v1',
            kind: 'ExternalSecret',
            metadata: { name: 'dbay-cold-account-xpub' },
            spec: { dataFrom: [{ extract: { key: 'dbay/production/cold-account' } }] },
          },
        ],
        'ExternalSecret/dbay-cold-account-xpub: copies a whole secret, not only xpub',
      ],
    };
    for (const [name, [manifests, violation]] of Object.entries(broken)) {
      expect(check(...manifests), name).to.include(violation);
    }
  });
});
