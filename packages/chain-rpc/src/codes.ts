/**
 * Dogecoin Core 1.14's JSON-RPC error codes (RPCErrorCode in src/rpc/protocol.h), under Core's own
 * names. A module of plain constants with no imports, so pure domain code can name a code (the
 * saga's reading of sendrawtransaction answers) without loading the client.
 */

// Standard JSON-RPC 2.0 errors, which Core also uses over JSON-RPC 1.0.
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_PARSE_ERROR = -32700;

// General application errors.
export const RPC_MISC_ERROR = -1;
export const RPC_TYPE_ERROR = -3;
/** "Invalid address or key", and also "No such mempool or blockchain transaction", "Block not found". */
export const RPC_INVALID_ADDRESS_OR_KEY = -5;
export const RPC_OUT_OF_MEMORY = -7;
/** "Invalid, missing or duplicate parameter", and also getblockhash's "Block height out of range". */
export const RPC_INVALID_PARAMETER = -8;
export const RPC_DATABASE_ERROR = -20;
export const RPC_DESERIALIZATION_ERROR = -22;
/** sendrawtransaction: general error during transaction submission, e.g. "Missing inputs". */
export const RPC_TRANSACTION_ERROR = -25;
/** sendrawtransaction: rejected by network rules, e.g. "txn-already-in-mempool", "min relay fee not met". */
export const RPC_TRANSACTION_REJECTED = -26;
/** sendrawtransaction: "transaction already in block chain". */
export const RPC_TRANSACTION_ALREADY_IN_CHAIN = -27;
/** The node is still starting (loading the block index) and answers nothing else yet. */
export const RPC_IN_WARMUP = -28;
