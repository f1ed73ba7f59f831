// The signer's network isolation, stated once so the test can check the real manifests against it
// and check itself against manifests that break it.
import type { Labels, Manifest } from './manifests.js';
import {
  admitsFrom,
  egressRules,
  ingressRules,
  policiesSelecting,
  type EgressRule,
  type PolicyPeer,
  type PolicyPort,
} from './network-policy.js';

export interface IsolationOptions {
  /** Production only: HTTPS to the VPC endpoints of STS and Secrets Manager, to fetch the seed. */
  allowAwsEndpoints: boolean;
}

/**
 * What the signer may open connections to: the Kafka brokers (signing requests in, answers out), the
 * schema registry (Avro) and Postgres (its own schema: signing log, inbox, outbox). Container ports.
 */
const SIGNER_PEERS: Record<string, number> = { kafka: 9092, 'schema-registry': 8080, postgres: 5432 };
const DNS_PORT = 53;
const HTTPS_PORT = 443;
/** An ipBlock wider than this is not "a VPC endpoint", it is a network. */
const WIDEST_ENDPOINT_PREFIX_LENGTH = 16;

function portsAre(ports: PolicyPort[] | undefined, allowed: number): boolean {
  return (
    ports !== undefined &&
    ports.length > 0 &&
    ports.every((port) => port.port === allowed && port.endPort === undefined)
  );
}

/** Exactly the pods of one app: a selector that could match anything else does not count. */
function isPeerOf(app: string): (peer: PolicyPeer) => boolean {
  return (peer) => {
    const selector = peer.podSelector;
    return (
      peer.namespaceSelector === undefined &&
      peer.ipBlock === undefined &&
      selector?.matchExpressions === undefined &&
      JSON.stringify(selector?.matchLabels) === JSON.stringify({ 'app.kubernetes.io/name': app })
    );
  };
}

function isClusterDnsPeer(peer: PolicyPeer): boolean {
  return (
    peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system' &&
    peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns'
  );
}

function isNarrowIpBlock(peer: PolicyPeer): boolean {
  if (peer.ipBlock === undefined || peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
    return false;
  }
  const prefixLength = Number(peer.ipBlock.cidr.split('/')[1]);
  return Number.isInteger(prefixLength) && prefixLength >= WIDEST_ENDPOINT_PREFIX_LENGTH;
}

function describeRule(rule: EgressRule): string {
  return JSON.stringify(rule);
}

/** Every way in which the policies let the signer open a connection beyond Kafka and DNS. */
export function signerEgressViolations(
  policies: Manifest[],
  signerLabels: Labels,
  options: IsolationOptions,
): string[] {
  if (policiesSelecting(policies, signerLabels, 'Egress').length === 0) {
    return ['no NetworkPolicy restricts the signer egress'];
  }
  return egressRules(policies, signerLabels).flatMap((rule) => {
    const peers = rule.to ?? [];
    if (peers.length === 0) return [`egress to anywhere: ${describeRule(rule)}`];
    const allowed = Object.entries(SIGNER_PEERS).some(
      ([app, port]) => peers.every(isPeerOf(app)) && portsAre(rule.ports, port),
    );
    if (allowed) return [];
    if (peers.every(isClusterDnsPeer) && portsAre(rule.ports, DNS_PORT)) return [];
    if (options.allowAwsEndpoints && peers.every(isNarrowIpBlock) && portsAre(rule.ports, HTTPS_PORT))
      return [];
    return [`egress beyond Kafka, the schema registry, Postgres and DNS: ${describeRule(rule)}`];
  });
}

/** Every way in which the policies let something open a connection to the signer. */
export function signerIngressViolations(
  policies: Manifest[],
  signerLabels: Labels,
  sources: Labels[],
): string[] {
  if (policiesSelecting(policies, signerLabels, 'Ingress').length === 0) {
    return ['no NetworkPolicy restricts the signer ingress'];
  }
  const rules = ingressRules(policies, signerLabels).map((rule) => `ingress rule: ${JSON.stringify(rule)}`);
  const admitted = sources
    .filter((source) => admitsFrom(policies, signerLabels, source))
    .map((source) => `admits ${source['app.kubernetes.io/name'] ?? JSON.stringify(source)}`);
  return [...rules, ...admitted];
}
