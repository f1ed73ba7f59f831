// Values of an Avro type for property tests, built from the generator's model of the schema. They are
// always sent through avsc (encode, then decode) before use, so a value the model got wrong fails
// there instead of testing the model against itself.
import fc from 'fast-check';
import type { AvroType } from '../../../scripts/contracts/avro-model.js';
import { AVSC_LONG_LIMIT } from '../../../scripts/contracts/typescript.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export function arbitraryOf(type: AvroType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer({ min: INT32_MIN, max: INT32_MAX });
    case 'long':
      return fc.integer({ min: -AVSC_LONG_LIMIT, max: AVSC_LONG_LIMIT });
    case 'float':
      return fc.float({ noNaN: true, noDefaultInfinity: true });
    case 'double':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'string':
      return fc.string();
    case 'enum':
      return fc.constantFrom(...type.symbols);
    case 'array':
      return fc.array(arbitraryOf(type.items), { maxLength: 3 });
    case 'map':
      return fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,6}$/), arbitraryOf(type.values), { maxKeys: 3 });
    case 'record':
      return fc.record(Object.fromEntries(type.fields.map((field) => [field.name, arbitraryOf(field.type)])));
    case 'nullable':
      return fc.option(arbitraryOf(type.type), { nil: null });
    default: {
      const unreachable: never = type;
      throw new Error(`unknown Avro type ${JSON.stringify(unreachable)}`);
    }
  }
}

/** What the platform's codec hands a handler: avsc's decoding of the encoded value, as plain objects. */
export function throughAvro(
  type: { toBuffer(value: unknown): Buffer; fromBuffer(buffer: Buffer): unknown },
  value: unknown,
): unknown {
  return structuredClone(type.fromBuffer(type.toBuffer(value)));
}
