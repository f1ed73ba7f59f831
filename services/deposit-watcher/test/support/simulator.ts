/** The regtest simulator's in-process entry point (tools/regtest-node), re-exported for the harness. */
export { startRegtestNode } from '@dbay/regtest-node';
export type RunningSimulatorHandle = Awaited<
  ReturnType<typeof import('@dbay/regtest-node').startRegtestNode>
>;
