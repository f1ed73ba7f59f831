/**
 * The payload record of a topic's Avro schema, read into a small model of what the platform's codec
 * hands a consumer. The codec decodes with avsc's defaults (packages/platform/src/codec.ts), so:
 * int and long are JS numbers (avsc refuses a long beyond 2^53 rather than round it), a union of null
 * and one type is that type or null (unwrapped), an enum is its symbol as a string, a map a plain
 * object, a nested record an object. Anything the model cannot map exactly stops the generator with
 * the schema's name and the field's path, rather than being typed loosely.
 *
 * bytes and fixed are refused on purpose: a payload travels through the outbox as JSON, where a
 * Buffer cannot survive, so no producer could write such a field.
 */

export type PrimitiveKind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string';

export type AvroType =
  | { kind: PrimitiveKind }
  | { kind: 'enum'; name: NamedType; symbols: string[] }
  | { kind: 'array'; items: AvroType }
  | { kind: 'map'; values: AvroType }
  | { kind: 'record'; name: NamedType; fields: AvroField[] }
  | { kind: 'nullable'; type: AvroType };

export interface NamedType {
  /** The Avro full name (namespace.name). */
  fullName: string;
  /** The short name, used for the TypeScript type of a nested record or enum. */
  name: string;
  doc: string | undefined;
}

export interface AvroField {
  name: string;
  doc: string | undefined;
  type: AvroType;
  /** Present when the field declares a default (Avro fills it for data written without the field). */
  default?: { value: unknown };
}

/** A schema the generator cannot map; the message names the schema file and the field. */
export class UnsupportedSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSchemaError';
  }
}

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'string']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NO_BYTES = 'bytes and fixed cannot travel through the JSON outbox; use a string (hex or base64)';

interface Scope {
  file: string;
  namedTypes: Map<string, AvroType>;
}

/** The `payload` field's record of a topic schema `{ envelope, payload }` (CONVENTIONS.md, "Events"). */
export function payloadRecordOf(schema: unknown, file: string): Extract<AvroType, { kind: 'record' }> {
  const scope: Scope = { file, namedTypes: new Map() };
  const value = readType(schema, '', scope, '(root)');
  if (value.kind !== 'record') throw new UnsupportedSchemaError(`${file}: the value schema is not a record`);
  const names = value.fields.map((field) => field.name);
  if (names.join() !== 'envelope,payload') {
    throw new UnsupportedSchemaError(
      `${file}: the value record must have exactly the fields envelope and payload, has ${names.join(', ')}`,
    );
  }
  const payload = value.fields[1]!.type;
  if (payload.kind !== 'record') throw new UnsupportedSchemaError(`${file}: payload is not a record`);
  return payload;
}

function readType(schema: unknown, namespace: string, scope: Scope, path: string): AvroType {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return { kind: schema as PrimitiveKind };
    if (schema === 'bytes') throw unsupported(scope, path, NO_BYTES);
    const named = scope.namedTypes.get(fullNameOf(schema, namespace));
    if (named) return named;
    throw unsupported(scope, path, `type "${schema}" is not supported or not defined before its use`);
  }
  if (Array.isArray(schema)) return readUnion(schema, namespace, scope, path);
  if (typeof schema !== 'object' || schema === null) throw unsupported(scope, path, 'not an Avro type');
  const object = schema as Record<string, unknown>;
  const type = object.type;
  if (typeof object.logicalType === 'string' && typeof type === 'string' && PRIMITIVES.has(type)) {
    // The codec registers no logical types, so avsc decodes the underlying type.
    return { kind: type as PrimitiveKind };
  }
  switch (type) {
    case 'record':
      return readRecord(object, namespace, scope, path);
    case 'enum':
      return readEnum(object, namespace, scope, path);
    case 'array':
      return { kind: 'array', items: readType(object.items, namespace, scope, `${path}[]`) };
    case 'map':
      return { kind: 'map', values: readType(object.values, namespace, scope, `${path}{}`) };
    case 'bytes':
    case 'fixed':
      throw unsupported(scope, path, NO_BYTES);
    default:
      if (typeof type === 'string' && PRIMITIVES.has(type)) return { kind: type as PrimitiveKind };
      throw unsupported(scope, path, `type ${JSON.stringify(type)} is not supported`);
  }
}

function readUnion(branches: unknown[], namespace: string, scope: Scope, path: string): AvroType {
  const types = branches.map((branch) => readType(branch, namespace, scope, path));
  const others = types.filter((type) => type.kind !== 'null');
  if (types.length === 2 && others.length === 1) return { kind: 'nullable', type: others[0]! };
  if (types.length === 1) return types[0]!;
  // avsc wraps other unions ({ "string": "x" }) or unwraps them by JS kind; neither is worth typing
  // until a schema needs one.
  throw unsupported(scope, path, 'only a union of null and one other type is supported');
}

function readRecord(
  object: Record<string, unknown>,
  namespace: string,
  scope: Scope,
  path: string,
): AvroType {
  const name = readName(object, namespace, scope, path);
  if (!Array.isArray(object.fields)) throw unsupported(scope, path, 'a record without fields');
  const record: Extract<AvroType, { kind: 'record' }> = { kind: 'record', name, fields: [] };
  // Registered before its fields so that a field may refer to the record by name.
  scope.namedTypes.set(name.fullName, record);
  const inner = name.fullName.includes('.') ? name.fullName.slice(0, name.fullName.lastIndexOf('.')) : '';
  for (const field of object.fields as unknown[]) {
    if (typeof field !== 'object' || field === null)
      throw unsupported(scope, path, 'a field is not an object');
    const { name: fieldName, type, doc } = field as Record<string, unknown>;
    if (typeof fieldName !== 'string' || !IDENTIFIER.test(fieldName)) {
      throw unsupported(scope, path, `field name ${JSON.stringify(fieldName)} is not an identifier`);
    }
    const fieldPath = path === '(root)' ? fieldName : `${path}.${fieldName}`;
    record.fields.push({
      name: fieldName,
      doc: typeof doc === 'string' ? doc : undefined,
      type: readType(type, inner, scope, fieldPath),
      ...('default' in field ? { default: { value: field.default } } : {}),
    });
  }
  return record;
}

function readEnum(object: Record<string, unknown>, namespace: string, scope: Scope, path: string): AvroType {
  const name = readName(object, namespace, scope, path);
  const symbols = object.symbols;
  if (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string')) {
    throw unsupported(scope, path, 'an enum needs a non-empty list of symbols');
  }
  const type: AvroType = { kind: 'enum', name, symbols };
  scope.namedTypes.set(name.fullName, type);
  return type;
}

function readName(object: Record<string, unknown>, namespace: string, scope: Scope, path: string): NamedType {
  const { name, namespace: own, doc } = object;
  if (typeof name !== 'string') throw unsupported(scope, path, 'a named type without a name');
  const fullName = fullNameOf(name, typeof own === 'string' ? own : namespace);
  const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
  if (!IDENTIFIER.test(shortName)) throw unsupported(scope, path, `name ${name} is not an identifier`);
  return { fullName, name: shortName, doc: typeof doc === 'string' ? doc : undefined };
}

function fullNameOf(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function unsupported(scope: Scope, path: string, reason: string): UnsupportedSchemaError {
  return new UnsupportedSchemaError(`${scope.file}: ${path}: ${reason}`);
}
