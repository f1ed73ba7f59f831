/** The reconciler's sources on one database connection (its read-only role), composed once per run. */
import type { Knex } from 'knex';
import type { ReconcilerSources } from '../ports.js';
import { AuctionSource } from './auction-source.js';
import { CrossServiceSource } from './cross-service-source.js';
import { OrderSource } from './order-source.js';
import type { SchemaNames } from './sql.js';
import { WalletSource } from './wallet-source.js';

export type { SchemaNames } from './sql.js';

export function createSources(knex: Knex, schemas: SchemaNames): ReconcilerSources {
  return {
    wallet: new WalletSource(knex, schemas.wallet),
    crossService: new CrossServiceSource(knex, schemas),
    orders: new OrderSource(knex, schemas),
    auctions: new AuctionSource(knex, schemas),
  };
}
