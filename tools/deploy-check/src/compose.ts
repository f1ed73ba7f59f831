// docker-compose.yml as the deployment checks see it: parsed with YAML merge keys (the file shares
// settings between services through anchors), narrowed to the fields the checks read.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeHealthcheck {
  test: string[] | string;
}

export interface ComposeDependency {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  networks?: string[] | Record<string, unknown>;
  depends_on?: Record<string, ComposeDependency> | string[];
  healthcheck?: ComposeHealthcheck;
  secrets?: (string | { source: string })[];
  profiles?: string[];
  read_only?: boolean;
  user?: string;
  cap_drop?: string[];
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

export function loadCompose(path: string): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

export function composeService(compose: ComposeFile, name: string): ComposeService {
  const service = compose.services[name];
  if (service === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return service;
}

export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const separator = entry.indexOf('=');
        return separator < 0 ? [entry, ''] : [entry.slice(0, separator), entry.slice(separator + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
}

export function serviceNetworks(service: ComposeService): string[] {
  const networks = service.networks ?? ['default'];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

export function serviceDependencies(service: ComposeService): Record<string, ComposeDependency['condition']> {
  const dependencies = service.depends_on ?? {};
  if (Array.isArray(dependencies)) {
    return Object.fromEntries(dependencies.map((name) => [name, 'service_started' as const]));
  }
  return Object.fromEntries(
    Object.entries(dependencies).map(([name, dependency]) => [name, dependency.condition]),
  );
}

export function commandLine(service: ComposeService): string[] {
  const command = service.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/);
}
