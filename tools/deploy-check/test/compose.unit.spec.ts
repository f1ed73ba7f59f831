// Proves that docker-compose.yml and the Dockerfile describe the stack docs/deploy.md promises:
// every service from the one image as a non-root user, healthy only when its /healthz answers,
// started after the provisioning jobs and the infrastructure it needs are ready, a real Dogecoin
// Core regtest node, the signer on a network of its own, Kafka with SASL and ACLs that each service
// logs in to as its own principal, hot and cold custody configured (the saga and the signer read one
// cold xpub, the saga its limits) with no cold key file in any container, and no secret value
// committed anywhere.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  commandLine,
  composeColdAccountViolations,
  composeKafkaCredentialViolations,
  composeService,
  kafkaPasswordVariable,
  literalSecrets,
  loadCompose,
  parseDotenv,
  serviceDependencies,
  serviceEnvironment,
  serviceNetworks,
  type ComposeFile,
  type Setting,
} from '../src/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(repositoryRoot, path), 'utf8');

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
const chainServices = ['deposit-watcher', 'withdrawal-saga', 'reconciler'];
const infrastructure = ['kafka', 'schema-registry', 'postgres', 'redis', 'dogecoind'];
/** The Kafka principal each container logs in as; null for those that never connect to Kafka. */
const kafkaPrincipals: Record<string, string | null> = {
  ...Object.fromEntries(Object.keys(servicePorts).map((name) => [name, name])),
  provision: 'admin',
  migrate: null,
};
const principals = ['admin', ...Object.keys(servicePorts)];
/** The cold wallet docker/generate-env.sh makes for rehearsing refills: never in a container. */
const coldKeyFiles = ['docker/secrets/cold.key.json', 'docker/secrets/cold.passphrase'];

describe('docker-compose.yml', () => {
  let compose: ComposeFile;

  before(() => {
    compose = loadCompose(join(repositoryRoot, 'docker-compose.yml'));
  });

  it('runs every service from the one image, as its own main.ts on its own port', () => {
    for (const [name, port] of Object.entries(servicePorts)) {
      const service = composeService(compose, name);
      expect(commandLine(service), name).to.deep.equal([
        'node',
        '--import',
        'tsx',
        `services/${name}/src/main.ts`,
      ]);
      expect(service.image, name).to.equal('dbay/platform:local');
      expect(serviceEnvironment(service).HTTP_PORT, name).to.equal(String(port));
      expect(service.read_only, name).to.equal(true);
      expect(service.cap_drop, name).to.deep.equal(['ALL']);
    }
  });

  it('reports each service healthy only when its /healthz answers on its HTTP_PORT', () => {
    for (const name of Object.keys(servicePorts)) {
      const test = [composeService(compose, name).healthcheck?.test ?? []].flat().join(' ');
      expect(test, name).to.include("'/healthz'").and.to.include('process.env.HTTP_PORT');
    }
    for (const name of infrastructure) {
      expect(composeService(compose, name).healthcheck, name).to.not.equal(undefined);
    }
  });

  it('starts services after provisioning and the infrastructure they use are ready', () => {
    for (const name of Object.keys(servicePorts)) {
      const dependencies = serviceDependencies(composeService(compose, name));
      expect(dependencies.provision, name).to.equal('service_completed_successfully');
      expect(dependencies.migrate, name).to.equal('service_completed_successfully');
      for (const [dependency, condition] of Object.entries(dependencies)) {
        expect(condition, `${name} -> ${dependency}`).to.not.equal('service_started');
      }
    }
    expect(serviceDependencies(composeService(compose, 'provision'))).to.deep.equal({
      kafka: 'service_healthy',
      'schema-registry': 'service_healthy',
    });
    expect(serviceDependencies(composeService(compose, 'migrate'))).to.deep.equal({
      postgres: 'service_healthy',
    });
    expect(serviceDependencies(composeService(compose, 'wallet')).redis).to.equal('service_healthy');
    for (const name of chainServices) {
      expect(serviceDependencies(composeService(compose, name)).dogecoind, name).to.equal('service_healthy');
    }
    expect(commandLine(composeService(compose, 'provision'))).to.deep.equal([
      'node',
      '--import',
      'tsx',
      'scripts/provision.ts',
    ]);
    expect(commandLine(composeService(compose, 'migrate'))).to.deep.equal([
      'node',
      '--import',
      'tsx',
      'scripts/migrate.ts',
    ]);
  });

  it('runs the infrastructure of docs/CONVENTIONS.md: KRaft Kafka 3.9, Apicurio 3, Postgres 15, Redis 7', () => {
    const kafka = composeService(compose, 'kafka');
    expect(kafka.image).to.match(/^apache\/kafka:3\.9\.\d+$/);
    // Its configuration is written by its start script (see the Kafka test below).
    const broker = read('docker/kafka-sasl-start.sh').split('\n');
    expect(broker).to.include.members([
      '  echo "process.roles=broker,controller"',
      '  echo "auto.create.topics.enable=false"',
    ]);
    expect(composeService(compose, 'schema-registry').image).to.match(
      /^apicurio\/apicurio-registry:3\.\d+\.\d+$/,
    );
    expect(composeService(compose, 'postgres').image).to.match(/^postgres:15(-|$)/);
    expect(composeService(compose, 'redis').image).to.match(/^redis:7(-|$)/);
    const platform = serviceEnvironment(composeService(compose, 'wallet'));
    expect(platform.SCHEMA_REGISTRY_URL).to.match(/\/apis\/ccompat\/v7$/);
    expect(platform.DBAY_DB_NAME).to.equal('dbay');
  });

  it('creates the roles and schemas from docker/postgres-init.sql', () => {
    const volumes = (compose.services.postgres as { volumes?: string[] }).volumes ?? [];
    expect(
      volumes.some((volume) => volume.startsWith('./docker/postgres-init.sql:/docker-entrypoint-initdb.d/')),
    ).to.equal(true);
    const sql = read('docker/postgres-init.sql');
    // web keeps no state in Postgres: no role, no schema.
    const withDatabase = Object.keys(servicePorts).filter((name) => name !== 'web');
    for (const schema of withDatabase.map((name) => name.replaceAll('-', '_'))) {
      expect(sql, schema).to.include(`'${schema}'`);
    }
  });

  it('runs a real Dogecoin Core 1.14.9 regtest node with -txindex, verified by checksum', () => {
    const node = composeService(compose, 'dogecoind');
    const args = commandLine(node);
    expect(args).to.include.members(['-regtest', '-txindex', '-server', '-rpcport=18332']);
    expect(args.find((arg) => arg.startsWith('-rpcallowip='))).to.not.equal(undefined);
    expect(args).to.include('-rpcuser=${DOGECOIN_RPC_USER:?run docker/generate-env.sh}');
    const dockerfile = read('docker/dogecoind/Dockerfile');
    expect(dockerfile).to.include('ARG DOGECOIN_VERSION=1.14.9');
    expect(dockerfile).to.match(/sha256sum -c/);
    for (const name of chainServices) {
      const env = serviceEnvironment(composeService(compose, name));
      expect(env.DOGECOIN_RPC_URL, name).to.equal('http://dogecoind:18332');
    }
  });

  it('keeps the signer on an internal network with Kafka and its storage, with no port and no chain access', () => {
    const signer = composeService(compose, 'signer');
    expect(signer.ports ?? []).to.deep.equal([]);
    const networks = serviceNetworks(signer);
    for (const network of networks) {
      expect(compose.networks?.[network]?.internal, network).to.equal(true);
    }
    const neighbours = Object.entries(compose.services)
      .filter(
        ([name, service]) =>
          name !== 'signer' && serviceNetworks(service).some((network) => networks.includes(network)),
      )
      .map(([name]) => name)
      .sort();
    expect(neighbours).to.deep.equal(['kafka', 'postgres', 'schema-registry']);
    const env = serviceEnvironment(signer);
    expect(Object.keys(env).filter((name) => name.startsWith('DOGECOIN_RPC'))).to.deep.equal([]);
    expect(env.SIGNER_SECRET_PROVIDER).to.equal('key-file');
  });

  it('runs Kafka with SASL on every listener, ACLs, and a SCRAM user per principal made at format', () => {
    const kafka = composeService(compose, 'kafka');
    expect(commandLine(kafka)).to.deep.equal(['sh', '/opt/dbay/kafka-sasl-start.sh']);
    const volumes = (kafka as { volumes?: string[] }).volumes ?? [];
    expect(volumes).to.include('./docker/kafka-sasl-start.sh:/opt/dbay/kafka-sasl-start.sh:ro');
    const env = serviceEnvironment(kafka);
    expect(env.KAFKA_LISTENERS?.split(',').map((listener) => listener.split('://')[0])).to.have.members([
      'INTERNAL',
      'CONTROLLER',
      'HOST',
    ]);
    expect(env.KAFKA_SCRAM_USERS?.split(' ')).to.have.members(Object.keys(servicePorts));
    for (const principal of principals) {
      const variable = kafkaPasswordVariable(principal);
      expect(env[variable], variable).to.equal(`\${${variable}:?run docker/generate-env.sh}`);
    }
    const test = [kafka.healthcheck?.test ?? []].flat().join(' ');
    expect(test).to.include('--command-config /opt/kafka/config/dbay/admin.properties');
    // What the broker is told, by the script both runtimes start it with.
    const script = read('docker/kafka-sasl-start.sh');
    for (const line of [
      'sasl.mechanism.controller.protocol=PLAIN',
      'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
      'inter.broker.listener.name=INTERNAL',
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users=User:admin',
      'allow.everyone.if.no.acl.found=false',
    ]) {
      expect(script, line).to.include(`echo "${line}"`);
    }
    expect(script).to.include('echo "listener.name.$lower.sasl.enabled.mechanisms=SCRAM-SHA-512"');
    expect(script).to.match(/--ignore-formatted/);
    expect(script).to.match(/--add-scram "SCRAM-SHA-512=\[name=\$user,password=\$password\]"/);
    expect(script).to.match(/^exec "\$kafka\/bin\/kafka-server-start\.sh" "\$server_properties"$/m);
  });

  it('sweeps to cold: the saga and the signer read one cold xpub, the saga its limits, and no container the cold keys', () => {
    expect(composeColdAccountViolations(compose, { coldKeyFiles })).to.deep.equal([]);
    // The defaults docs/deploy.md gives ("Hot and cold custody"): 10,000, 2,500 and 100 DOGE.
    const saga = serviceEnvironment(composeService(compose, 'withdrawal-saga'));
    expect(saga.HOT_WALLET_CEILING_KOINU).to.equal('${HOT_WALLET_CEILING_KOINU-1000000000000}');
    expect(saga.HOT_WALLET_FLOOR_KOINU).to.equal('${HOT_WALLET_FLOOR_KOINU-250000000000}');
    expect(saga.HOT_WALLET_SWEEP_MIN_KOINU).to.equal('${HOT_WALLET_SWEEP_MIN_KOINU-10000000000}');
  });

  it("has docker/generate-env.sh make the cold wallet with the signer's CLI and put only its xpub in .env", () => {
    const script = read('docker/generate-env.sh');
    expect(script).to.match(
      /services\/signer\/src\/cli\.ts create --network regtest --no-show-mnemonic \\\n\s+--key-file "\$secrets\/cold\.key\.json" --passphrase-file "\$secrets\/cold\.passphrase" \\\n\s+--xpub-file "\$secrets\/cold-account\.xpub"/,
    );
    for (const file of coldKeyFiles) {
      expect(script, file).to.include(`"$secrets/${file.slice('docker/secrets/'.length)}"`);
    }
    // A new .env and an older one both get the xpub; the key file and passphrase are never chowned
    // for the containers' user, since no container reads them.
    expect(script.match(/echo "COLD_ACCOUNT_XPUB=\$cold_xpub"/g)).to.have.length(2);
    const chowns = script.split('\n').filter((line) => line.includes('chown'));
    expect(chowns.length).to.be.above(0);
    expect(chowns.filter((line) => /cold/i.test(line))).to.deep.equal([]);
  });

  it('logs each service in to Kafka as its own principal with its own password, the provision job as admin', () => {
    expect(composeKafkaCredentialViolations(compose, kafkaPrincipals, { brokers: ['kafka'] })).to.deep.equal(
      [],
    );
  });

  it('commits no secret: every credential is a ${...} reference to the git-ignored .env', () => {
    const settings: Setting[] = Object.entries(compose.services).flatMap(([name, service]) => [
      ...Object.entries(serviceEnvironment(service)).map(([variable, value]) => ({
        where: name,
        name: variable,
        value,
      })),
      ...commandLine(service)
        .filter((arg) => arg.includes('='))
        .map((arg) => ({
          where: name,
          name: arg.slice(0, arg.indexOf('=')),
          value: arg.slice(arg.indexOf('=') + 1),
        })),
    ]);
    expect(literalSecrets(settings)).to.deep.equal([]);
  });
});

describe('.env.example and the ignore files', () => {
  it('holds placeholders only: every secret and the account xpub are empty', () => {
    const settings = parseDotenv(read('.env.example'), '.env.example');
    expect(literalSecrets(settings)).to.deep.equal([]);
    expect(settings.find((setting) => setting.name === 'ACCOUNT_XPUB')?.value).to.equal('');
    expect(settings.filter((setting) => setting.name.endsWith('_PASSWORD')).length).to.be.above(5);
    const names = settings.map((setting) => setting.name);
    expect(names).to.include.members(principals.map(kafkaPasswordVariable));
    // docker/generate-env.sh writes every one of them (and adds them to an older .env).
    const generated = /^kafka_principals="([A-Z_ ]+)"$/m
      .exec(read('docker/generate-env.sh'))?.[1]
      ?.split(' ');
    expect(generated?.map((name) => `KAFKA_${name}_PASSWORD`)).to.have.members(
      principals.map(kafkaPasswordVariable),
    );
  });

  it('keeps .env, the signer key file and the local overlay secrets out of git and out of the image', () => {
    expect(read('.gitignore').split('\n')).to.include('.env');
    for (const folder of ['docker/secrets', 'k8s/overlays/local/secrets']) {
      expect(read(`${folder}/.gitignore`).split('\n').slice(0, 3), folder).to.include('*');
    }
    const dockerignore = read('.dockerignore').split('\n');
    expect(dockerignore).to.include.members(['**/.env', '**/*.key.json', '**/node_modules']);
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .map((line) => line.trim());
  const runtimeStage = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));

  it('builds on node:20-bookworm-slim and installs production dependencies plus tsx from the lock file', () => {
    expect(lines).to.include('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(lines.some((line) => line.includes('npm ci --omit=dev'))).to.equal(true);
    expect(lines.some((line) => line.includes('test -f node_modules/tsx/package.json'))).to.equal(true);
  });

  it('runs as a numeric non-root user, under tini', () => {
    const users = runtimeStage.filter((line) => line.startsWith('USER '));
    expect(users).to.have.length(1);
    const [uid] = users[0]!.slice('USER '.length).split(':');
    expect(Number(uid)).to.be.above(0);
    expect(runtimeStage).to.include('ENTRYPOINT ["/usr/bin/tini", "--"]');
  });

  it('builds the wallet page in a stage of its own and ships only its built files', () => {
    // Never committed and ignored as build context: without this stage the web service of the image
    // would answer every page with WEB_UI_NOT_BUILT.
    const uiStart = lines.findIndex((line) => /^FROM \S+ AS ui$/.test(line));
    expect(uiStart, 'a stage named ui').to.be.above(-1);
    const uiStage = lines.slice(
      uiStart,
      lines.findIndex((line, i) => i > uiStart && line.startsWith('FROM ')),
    );
    expect(uiStage.some((line) => line.includes('npm run build -w @dbay/web-ui'))).to.equal(true);
    expect(uiStage.some((line) => line.includes('test -f services/web/ui/dist/index.html'))).to.equal(true);
    expect(runtimeStage).to.include(
      'COPY --from=ui --chown=root:root /app/services/web/ui/dist ./services/web/ui/dist',
    );
    expect(read('.dockerignore').split('\n')).to.include('services/web/ui/dist');
  });
});

describe('the secret checks themselves', () => {
  it('catch a literal password, a connection string with one, and let references and pointers pass', () => {
    const findings = literalSecrets([
      { where: 'x', name: 'REDIS_PASSWORD', value: 'hunter2' },
      { where: 'x', name: 'DATABASE_URL', value: 'postgres://dbay_wallet:hunter2@postgres:5432/dbay' },
      {
        where: 'x',
        name: 'DATABASE_URL',
        value: 'postgres://dbay_wallet:${DBAY_WALLET_DB_PASSWORD}@postgres:5432/dbay',
      },
      { where: 'x', name: 'REDIS_PASSWORD', value: '$(REDIS_PASSWORD)' },
      { where: 'x', name: 'SIGNER_AWS_SECRET_ID', value: 'dbay/signer/seed' },
      { where: 'x', name: 'SIGNER_KEY_PASSPHRASE_FILE', value: '/run/secrets/signer_key_passphrase' },
      { where: 'x', name: 'POSTGRES_PASSWORD', value: '' },
    ]);
    expect(findings).to.deep.equal([
      'x: REDIS_PASSWORD has a literal value',
      'x: DATABASE_URL holds a URL with a literal password',
    ]);
  });
});

describe('the Compose Kafka credential checks themselves', () => {
  const service = (environment: Record<string, string>) => ({ image: 'dbay/platform:local', environment });
  const own = (name: string) => ({
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: name,
    KAFKA_SASL_PASSWORD: `\${${kafkaPasswordVariable(name)}:?run docker/generate-env.sh}`,
  });
  const check = (services: ComposeFile['services']) =>
    composeKafkaCredentialViolations(
      { services },
      { wallet: 'wallet', migrate: null },
      { brokers: ['kafka'] },
    );

  it('accept each service with its own principal and password, and the broker with all of them', () => {
    expect(
      check({
        wallet: service(own('wallet')),
        migrate: service({ KAFKA_BROKERS: 'kafka:9092' }),
        kafka: service({
          KAFKA_WALLET_PASSWORD: '${KAFKA_WALLET_PASSWORD}',
          KAFKA_ADMIN_PASSWORD: '${KAFKA_ADMIN_PASSWORD}',
        }),
      }),
    ).to.deep.equal([]);
  });

  it("catch a missing principal or mechanism, and another principal's password anywhere", () => {
    const migrate = service({});
    const broken: Record<string, ComposeFile['services']> = {
      'no username': { wallet: service({ ...own('wallet'), KAFKA_SASL_USERNAME: '' }), migrate },
      'no mechanism': { wallet: service({ ...own('wallet'), KAFKA_SASL_MECHANISM: 'none' }), migrate },
      'a literal password': {
        wallet: service({ ...own('wallet'), KAFKA_SASL_PASSWORD: 'hunter2' }),
        migrate,
      },
      "the order's password": {
        wallet: service({ ...own('wallet'), KAFKA_SASL_PASSWORD: '${KAFKA_ORDER_PASSWORD}' }),
        migrate,
      },
      'the admin password, unused, in a service': {
        wallet: service({ ...own('wallet'), EXTRA: '${KAFKA_ADMIN_PASSWORD}' }),
        migrate,
      },
      'a password where no Kafka login is': {
        wallet: service(own('wallet')),
        migrate: service({ KAFKA_SASL_PASSWORD: '${KAFKA_WALLET_PASSWORD}' }),
      },
    };
    for (const [name, services] of Object.entries(broken)) {
      expect(check(services), name).to.not.deep.equal([]);
    }
    expect(check({ migrate })).to.deep.equal(['wallet: no such service']);
  });
});

describe('the Compose cold account checks themselves', () => {
  const required = '${COLD_ACCOUNT_XPUB:?run docker/generate-env.sh}';
  const limits = {
    COLD_ACCOUNT_XPUB: required,
    HOT_WALLET_CEILING_KOINU: '${HOT_WALLET_CEILING_KOINU-1000000000000}',
    HOT_WALLET_FLOOR_KOINU: '${HOT_WALLET_FLOOR_KOINU-250000000000}',
    HOT_WALLET_SWEEP_MIN_KOINU: '${HOT_WALLET_SWEEP_MIN_KOINU-10000000000}',
  };
  type Overrides = Partial<Record<'saga' | 'signer' | 'wallet' | 'web', Record<string, unknown>>>;
  const services = (overrides: Overrides = {}): ComposeFile['services'] => ({
    'withdrawal-saga': { environment: limits, ...overrides.saga },
    signer: {
      environment: { SIGNER_COLD_ACCOUNT_XPUB: required },
      secrets: ['signer_key_file'],
      ...overrides.signer,
    },
    wallet: {
      environment: { ACCOUNT_XPUB: '${ACCOUNT_XPUB:?run docker/generate-env.sh}' },
      ...overrides.wallet,
    },
    web: { environment: {}, ...overrides.web },
  });
  const saga = (environment: Record<string, string | undefined>) => ({
    saga: { environment: { ...limits, ...environment } },
  });
  const secrets = { signer_key_file: { file: './docker/secrets/signer.key.json' } };
  const check = (compose: ComposeFile) => composeColdAccountViolations(compose, { coldKeyFiles }).join('\n');

  it('accept one required xpub for the saga and the signer, limits with defaults, and only the signer key mounted', () => {
    expect(check({ services: services(), secrets })).to.equal('');
    // A named volume is not a path of this machine.
    expect(check({ services: services({ wallet: { volumes: ['wallet-data:/data'] } }), secrets })).to.equal(
      '',
    );
    // The wallet may read the xpub too (it refuses withdrawals to cold addresses), and need not.
    expect(
      check({
        services: services({ wallet: { environment: { COLD_ACCOUNT_XPUB: required } } }),
        secrets,
      }),
    ).to.equal('');
  });

  it('catch a missing or different xpub, missing or inverted limits, and cold settings in another service', () => {
    const broken: Record<string, [Overrides, string]> = {
      'saga without the xpub': [
        saga({ COLD_ACCOUNT_XPUB: undefined }),
        'withdrawal-saga: COLD_ACCOUNT_XPUB must be',
      ],
      'an optional xpub': [
        saga({ COLD_ACCOUNT_XPUB: '${COLD_ACCOUNT_XPUB:-}' }),
        'COLD_ACCOUNT_XPUB must be',
      ],
      'signer without the xpub': [
        { signer: { environment: {} } },
        'signer: SIGNER_COLD_ACCOUNT_XPUB must be',
      ],
      'signer with another xpub': [
        { signer: { environment: { SIGNER_COLD_ACCOUNT_XPUB: '${SIGNER_COLD_XPUB:?x}' } } },
        'signer: SIGNER_COLD_ACCOUNT_XPUB must be',
      ],
      'no ceiling': [saga({ HOT_WALLET_CEILING_KOINU: undefined }), 'HOT_WALLET_CEILING_KOINU must be'],
      'a ceiling not from .env': [
        saga({ HOT_WALLET_CEILING_KOINU: '1000000000000' }),
        'HOT_WALLET_CEILING_KOINU must be',
      ],
      'a floor above the ceiling': [
        saga({ HOT_WALLET_FLOOR_KOINU: '${HOT_WALLET_FLOOR_KOINU-2000000000000}' }),
        'HOT_WALLET_FLOOR_KOINU 2000000000000 is not below HOT_WALLET_CEILING_KOINU',
      ],
      'the web service with the cold xpub': [
        { web: { environment: { X: required } } },
        'web: reads COLD_ACCOUNT_XPUB, which only the saga, the signer and the wallet read',
      ],
      'the cold passphrase in the saga': [saga({ P: '${COLD_KEY_PASSPHRASE}' }), 'reads COLD_KEY_PASSPHRASE'],
    };
    for (const [name, [overrides, violation]] of Object.entries(broken)) {
      expect(check({ services: services(overrides), secrets }), name).to.include(violation);
    }
  });

  it('catch a cold key file mounted, given as a Compose secret, or inside a mounted directory', () => {
    const mounted: Record<string, [ComposeFile, string]> = {
      'the key file bound': [
        {
          services: services({ signer: { volumes: ['./docker/secrets/cold.key.json:/run/cold.json:ro'] } }),
          secrets,
        },
        'signer: mounts ./docker/secrets/cold.key.json',
      ],
      'the passphrase as a secret': [
        {
          services: services({ signer: { secrets: ['signer_key_file', 'rehearsal'] } }),
          secrets: { ...secrets, rehearsal: { file: './docker/secrets/cold.passphrase' } },
        },
        'signer: has the secret rehearsal (./docker/secrets/cold.passphrase)',
      ],
      'docker/secrets as a directory': [
        {
          services: services({
            saga: { volumes: [{ type: 'bind', source: './docker/secrets', target: '/s' }] },
          }),
          secrets,
        },
        'withdrawal-saga: mounts ./docker/secrets,',
      ],
      'the whole checkout': [
        { services: services({ wallet: { volumes: ['.:/app:ro'] } }), secrets },
        'wallet: mounts .,',
      ],
      'a cold file declared, even unused': [
        { services: services(), secrets: { ...secrets, cold: { file: './docker/secrets/cold.key.json' } } },
        'secrets.cold: declares ./docker/secrets/cold.key.json',
      ],
    };
    for (const [name, [compose, violation]] of Object.entries(mounted)) {
      expect(check(compose), name).to.include(violation);
    }
  });
});
