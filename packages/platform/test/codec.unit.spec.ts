// Proves that bytes which can never decode are recognised as such before the registry is asked, so
// the consumer dead-letters them at once (the registry here points at a closed port on purpose).
import { expect } from 'chai';
import { createSchemaRegistry, EventCodec, UndecodableMessageError } from '../src/index.js';

describe('EventCodec.decode, without a registry', () => {
  const codec = new EventCodec(createSchemaRegistry('http://127.0.0.1:9/apis/ccompat/v7'));

  async function reasonFor(value: Buffer | null): Promise<string> {
    try {
      await codec.decode(value);
    } catch (error) {
      if (error instanceof UndecodableMessageError) return error.message;
      throw error;
    }
    throw new Error('expected UndecodableMessageError');
  }

  it('refuses empty values, short values and values without the magic byte', async () => {
    expect(await reasonFor(null)).to.match(/empty/);
    expect(await reasonFor(Buffer.from([0, 0, 0]))).to.match(/shorter/);
    expect(await reasonFor(Buffer.from('{"json":"instead of avro"}'))).to.match(/magic byte/);
  });
});
