/**
 * @dbay/chain-rpc: the platform's one Dogecoin Core 1.14 JSON-RPC client (see README.md). Amounts
 * are read exactly (lossless JSON to bigint koinu), failures are coded (RpcError with Core's code,
 * RpcTransportError, RpcMalformedAnswerError, NodeUnavailableError), and every call goes through one
 * circuit breaker configured by the DOGECOIN_RPC_* variables.
 */
export * from './codes.js';
export { RpcError, RpcTransportError, RpcMalformedAnswerError, NodeUnavailableError } from './errors.js';
export {
  JsonNumber,
  JsonSyntaxError,
  parseRpcJson,
  parsePlainRpcJson,
  isJsonObject,
  type JsonValue,
  type JsonObject,
} from './json.js';
export { interpretRpcAnswer, mayCarryAmounts } from './answer.js';
export { RpcResultReader } from './reader.js';
export {
  DogecoinRpcClient,
  BREAKER_ROLLING_BUCKETS,
  BREAKER_TIMEOUT_SLACK_MS,
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_CALL_TIMEOUT_MS,
  type BreakerOptions,
  type BreakerState,
  type DogecoinRpcOptions,
  type RpcCallOutcome,
  type RpcHooks,
  type RpcParam,
  type TxOut,
} from './client.js';
export {
  DEFAULT_DOGECOIN_RPC_URL,
  createDogecoinRpcClient,
  dogecoinRpcConfigShape,
  dogecoinRpcOptions,
  requireDogecoinRpcCredentials,
  type DogecoinRpcConfig,
} from './config.js';
