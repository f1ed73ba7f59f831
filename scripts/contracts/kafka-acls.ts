/**
 * The Kafka ACLs the topic declarations imply. Each service connects as its own principal (`User:<name>`,
 * docs/CONVENTIONS.md "Kafka principals"), and what a principal may do follows from schemas/*.topic.json:
 *
 * - a declared producer may write the topic (WRITE implies DESCRIBE);
 * - a declared consumer may read the topic (READ implies DESCRIBE), may write its dead-letter topic
 *   `<topic>.dlq` (the consumer is the one that parks a message there), and may use its consumer group: the
 *   service's name, or a name starting `<service>-` (the web's per-process feed groups).
 *
 * Nothing else is granted: a principal with no ACL for a resource is refused (the broker runs with
 * allow.everyone.if.no.acl.found=false), so the order service cannot produce `deposit.confirmed` and no
 * anonymous client can do anything. The admin principal is a super user and needs no ACL.
 */
import { DLQ_SUFFIX, type DeclaredTopic } from './declarations.js';

export type AclResource = 'TOPIC' | 'GROUP';
export type AclPattern = 'LITERAL' | 'PREFIXED';
export type AclOperation = 'READ' | 'WRITE';

export interface Acl {
  principal: string;
  resource: AclResource;
  name: string;
  pattern: AclPattern;
  operation: AclOperation;
}

export const principalOf = (service: string): string => `User:${service}`;

/** One string per ACL, for comparing the wanted set with what the broker holds. */
export const aclKey = ({ principal, resource, name, pattern, operation }: Acl): string =>
  [principal, resource, pattern, name, operation].join(' ');

/** The ACLs the declarations imply, without duplicates, in a stable order. */
export function aclsOf(declared: readonly DeclaredTopic[]): Acl[] {
  const acls = new Map<string, Acl>();
  const grant = (acl: Acl) => acls.set(aclKey(acl), acl);
  for (const { topic, declaration } of declared) {
    for (const producer of declaration.producers) {
      grant({
        principal: principalOf(producer),
        resource: 'TOPIC',
        name: topic,
        pattern: 'LITERAL',
        operation: 'WRITE',
      });
    }
    for (const consumer of declaration.consumers) {
      const principal = principalOf(consumer);
      grant({ principal, resource: 'TOPIC', name: topic, pattern: 'LITERAL', operation: 'READ' });
      grant({
        principal,
        resource: 'TOPIC',
        name: `${topic}${DLQ_SUFFIX}`,
        pattern: 'LITERAL',
        operation: 'WRITE',
      });
      grant({ principal, resource: 'GROUP', name: consumer, pattern: 'LITERAL', operation: 'READ' });
      grant({ principal, resource: 'GROUP', name: `${consumer}-`, pattern: 'PREFIXED', operation: 'READ' });
    }
  }
  return [...acls.values()].sort((a, b) => aclKey(a).localeCompare(aclKey(b)));
}

/** Every principal the declarations name: the ones whose ACLs the provisioning step owns. */
export function principalsOf(declared: readonly DeclaredTopic[]): Set<string> {
  return new Set(
    declared.flatMap(({ declaration }) =>
      [...declaration.producers, ...declaration.consumers].map(principalOf),
    ),
  );
}

/**
 * The name of a kafkajs ACL type value (AclResourceTypes, ResourcePatternTypes, AclOperationTypes,
 * AclPermissionTypes): at run time they are plain name-to-number maps, without a TS enum's reverse mapping.
 */
export function kafkaTypeName(types: object, value: number): string | undefined {
  return Object.entries(types).find(([, number]) => number === value)?.[0];
}
