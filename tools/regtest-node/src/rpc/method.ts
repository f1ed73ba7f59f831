/** One entry of CRPCTable: name, named arguments, arity, and the usage text thrown on a wrong arity. */
import type { CoreJson } from '../core-json.js';
import type { RegtestNode } from '../node.js';
import type { Params } from './protocol.js';

export interface RpcMethod {
  name: string;
  /** argNames from the CRPCCommand table, for calls with named parameters. */
  argNames: readonly string[];
  minParams: number;
  maxParams: number;
  /** The start of Core's help text; Core throws the whole text as a -1 error on a wrong arity. */
  help: string;
  run(params: Params, node: RegtestNode): CoreJson;
}
