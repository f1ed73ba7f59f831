// @dbay/contracts: the event contracts of schemas/, generated (src/generated/, by
// `npm run contracts:generate`), plus the typed outbox write and typed consumer handlers built on them.
export * from './generated/topics.js';
export * from './generated/payloads.js';
export * from './generated/decoders.js';
export { PAYLOAD_CONTRACT_ERROR_CODE, PayloadContractError } from './decode.js';
export * from './producer.js';
export * from './consumer.js';
