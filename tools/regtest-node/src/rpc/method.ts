/** One entry of CRPCTable: name, named arguments and arity; the help texts live in help.ts. */
import type { CoreJson } from '../core-json.js';
import type { RegtestNode } from '../node.js';
import type { RpcMethodName } from './help.js';
import type { Params } from './protocol.js';

export interface RpcMethod {
  /** A key of HELP_TEXTS, so no method can lack the help text Core throws on a wrong arity. */
  name: RpcMethodName;
  /** argNames from the CRPCCommand table, for calls with named parameters. */
  argNames: readonly string[];
  minParams: number;
  maxParams: number;
  run(params: Params, node: RegtestNode): CoreJson;
}
