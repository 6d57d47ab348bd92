import type { Client } from '@temporalio/client';
import type { ServerPresence } from '../platform/cluster/presence';
import type { PlatformConfig } from '../platform/config/platform-config';
import type { Db } from '../platform/db/knex';
import type { Campaign } from '../platform/flash-sale/campaigns';
import type { FlashSaleAttempts } from '../platform/flash-sale/hot-path';
import type { OrderTemplate } from '../platform/flash-sale/reserve';
import type { ExtensionRegistry } from '../platform/registry/extension-registry';
import type { OrderIdGenerator } from '../platform/order-ids/order-id';
import type { OrderClient } from './order-client';

/** What the REST app needs, handed over by server.ts (the composition root). */
export interface AppDeps {
  db: Db;
  config: PlatformConfig;
  orders: OrderClient;
  /** Issues order ids (time + leased machine id + user shard + sequence). */
  orderIds: OrderIdGenerator;
  temporal: Client;
  registry: ExtensionRegistry;
  /** The servers sharing cluster-wide limits; absent, this server counts as the only one. */
  presence?: ServerPresence;
  /** What takes flash-sale attempts; absent, the hot path (the benchmark plugs its naive baseline in here). */
  flashSale?: (wiring: FlashSaleWiring) => FlashSaleAttempts;
}

export interface FlashSaleWiring {
  db: Db;
  templateOf: (c: Campaign) => OrderTemplate;
  /** Called after winners were written, to start their workflows soon. */
  onWinners: () => void;
  /** This server's share of the campaigns' rate limits. */
  share: () => number;
}
