// NetworkPolicy semantics, as much as the checks need: which policies select a pod, and what the
// union of their rules lets it open or accept. Kubernetes allows a connection when any policy that
// selects the pod allows it, and denies everything else once any policy of that direction selects it.
import type { Labels, Manifest } from './manifests.js';

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface IngressRule {
  from?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface EgressRule {
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: IngressRule[];
  egress?: EgressRule[];
}

export type Direction = 'Ingress' | 'Egress';

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(expression.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default: {
        const unknown: never = expression.operator;
        throw new Error(`unknown selector operator ${String(unknown)}`);
      }
    }
  });
  return byLabels && byExpressions;
}

export function policySpec(policy: Manifest): NetworkPolicySpec {
  return policy.spec as NetworkPolicySpec;
}

/** Policy types as the API server defaults them: Ingress always, Egress when egress rules exist. */
export function policyTypes(spec: NetworkPolicySpec): Direction[] {
  if (spec.policyTypes !== undefined) return spec.policyTypes;
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The NetworkPolicies of the pod's namespace that select it for the given direction. */
export function policiesSelecting(policies: Manifest[], podLabels: Labels, direction: Direction): Manifest[] {
  return policies.filter((policy) => {
    const spec = policySpec(policy);
    return policyTypes(spec).includes(direction) && selectorMatches(spec.podSelector, podLabels);
  });
}

export function egressRules(policies: Manifest[], podLabels: Labels): EgressRule[] {
  return policiesSelecting(policies, podLabels, 'Egress').flatMap(
    (policy) => policySpec(policy).egress ?? [],
  );
}

export function ingressRules(policies: Manifest[], podLabels: Labels): IngressRule[] {
  return policiesSelecting(policies, podLabels, 'Ingress').flatMap(
    (policy) => policySpec(policy).ingress ?? [],
  );
}

/** A peer that names pods of the policy's own namespace (no namespaceSelector, no ipBlock). */
export function isSameNamespacePodPeer(peer: PolicyPeer): boolean {
  return peer.podSelector !== undefined && peer.namespaceSelector === undefined && peer.ipBlock === undefined;
}

/**
 * The names (app.kubernetes.io/name) of the pods in `candidates` that the pod may open a connection
 * to, on any port. `anywhere` is set when a rule has no peers at all, which allows every destination.
 */
export function reachableApps(
  policies: Manifest[],
  podLabels: Labels,
  candidates: Labels[],
): { names: Set<string>; anywhere: boolean } {
  const names = new Set<string>();
  let anywhere = false;
  for (const rule of egressRules(policies, podLabels)) {
    if (rule.to === undefined || rule.to.length === 0) {
      anywhere = true;
      continue;
    }
    for (const peer of rule.to.filter(isSameNamespacePodPeer)) {
      for (const candidate of candidates) {
        if (selectorMatches(peer.podSelector ?? {}, candidate)) {
          names.add(candidate['app.kubernetes.io/name'] ?? '?');
        }
      }
    }
  }
  return { names, anywhere };
}

/** Whether some ingress rule on the target admits a connection from a same-namespace source pod. */
export function admitsFrom(policies: Manifest[], targetLabels: Labels, sourceLabels: Labels): boolean {
  const selecting = policiesSelecting(policies, targetLabels, 'Ingress');
  if (selecting.length === 0) return true;
  return ingressRules(policies, targetLabels).some(
    (rule) =>
      rule.from === undefined ||
      rule.from.length === 0 ||
      rule.from.some(
        (peer) => isSameNamespacePodPeer(peer) && selectorMatches(peer.podSelector ?? {}, sourceLabels),
      ),
  );
}
