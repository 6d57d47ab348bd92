import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXTENSIONS } from '../../extensions';
import { HotelSupplierExt } from '../../extensions/travel-hotel/hotel-supplier.ext';
import { ConfigError } from '../../platform/config/load-yaml';
import { loadPlatformConfig } from '../../platform/config/platform-config';
import { buildRegistry } from '../../platform/container';
import { createDb } from '../../platform/db/knex';
import { applyDeposit, priceOrder } from '../../platform/domain/pricing';

const CONFIG = path.resolve(__dirname, '../../config');

/** A copy of config/ with one file rewritten; the edit must change something. */
function configWith(file: string, from: string, to: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  for (const f of fs.readdirSync(CONFIG)) fs.copyFileSync(path.join(CONFIG, f), path.join(dir, f));
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  fs.writeFileSync(path.join(dir, file), text.replace(from, to));
  return dir;
}

function startUpError(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as Error;
  }
  throw new Error('start-up did not refuse the configuration');
}
const loading = (dir: string) => () => loadPlatformConfig(dir, '');

describe('business configuration is validated at start-up, naming the file and the key', () => {
  it('a deposit share above the full price', () => {
    const dir = configWith('identities.yaml', 'depositRatio: 0.1', 'depositRatio: 1.5');
    expect(startUpError(loading(dir)).message).toMatch(/identities\.yaml: lines\.new-car\.config\.depositRatio: must be at most 1/);
  });

  it('an unknown inventory mode', () => {
    const dir = configWith('identities.yaml', 'inventoryMode: deduct-at-order', 'inventoryMode: deduct-at-shipping');
    expect(startUpError(loading(dir)).message).toMatch(/identities\.yaml: lines\.new-car\.config\.inventoryMode:/);
  });

  it('an unknown payment method', () => {
    const dir = configWith('identities.yaml', 'paymentMethods: [points]', 'paymentMethods: [points, cash]');
    expect(startUpError(loading(dir)).message).toMatch(/identities\.yaml: lines\.points-mall\.config\.paymentMethods\.1:/);
  });

  it('a per-user limit that is not a positive whole number', () => {
    const dir = configWith('identities.yaml', 'payWindowSeconds: 300', 'payWindowSeconds: 300\n        perUserLimit: 0');
    expect(startUpError(loading(dir)).message).toMatch(/identities\.yaml: lines\.retail\.scenarios\.flash-sale\.perUserLimit:/);
  });

  it('a stock step in the flows of a line that sells no stock (inventoryMode none)', () => {
    const dir = configWith(
      'flows.yaml',
      '      - supplier.book\n      - coupon.lock',
      '      - inventory.reserve\n      - supplier.book\n      - coupon.lock',
    );
    expect(startUpError(loading(dir)).message).toMatch(/flows\.yaml: travel-hotel\.#default\.order\.create\[2\]: "inventory\.reserve" handles stock, but travel-hotel\/default has inventoryMode none/);
  });

  it('a deduct-at-payment line whose payment takes no stock', () => {
    const dir = configWith('flows.yaml', '      - inventory.deduct\n', '');
    expect(startUpError(loading(dir)).message).toMatch(/flows\.yaml: points-mall\.#default\.order\.pay: points-mall\/default has inventoryMode deduct-at-payment .*needs inventory\.deduct before order\.markPaid/);
  });

  it('a payment that takes stock for a line that reserves it (it would be taken twice)', () => {
    const dir = configWith('identities.yaml', 'inventoryMode: deduct-at-payment', 'inventoryMode: reserve');
    expect(startUpError(loading(dir)).message).toMatch(/flows\.yaml: points-mall\.#default\.order\.pay\[1\]: "inventory\.deduct" takes stock at payment, but points-mall\/default has inventoryMode reserve/);
  });

  it('a flow step that names its compensation (the undo comes from the ability definition)', () => {
    const dir = configWith('flows.yaml', '      - supplier.book\n', '      - { ability: supplier.book, compensation: supplier.cancelBooking }\n');
    expect(startUpError(loading(dir)).message).toMatch(/flows\.yaml: travel-hotel\.#default\.order\.create\.2: a flow step is an ability id \(its undo comes from the ability's definition\)/);
  });

  it('an extension point with no implementation for a configured line', () => {
    const config = loadPlatformConfig(CONFIG, '');
    const db = createDb('postgres://nobody@127.0.0.1:1/none'); // never connected: the check is in memory
    const withoutHotel = EXTENSIONS.filter((cls) => cls !== HotelSupplierExt);
    const err = startUpError(() => buildRegistry(db, config, withoutHotel));
    expect(err.message).toMatch(/flows\.yaml: travel-hotel\.#default\.order\.create: ability "supplier\.book" needs an implementation of SupplierExtPt for travel-hotel\/default/);
    expect(() => buildRegistry(db, config, EXTENSIONS)).not.toThrow();
    void db.destroy();
  });
});

describe('deposits', () => {
  it('take the configured share of the price, spread over the lines to the fen', () => {
    const priced = priceOrder([{ skuId: 'a', quantity: 1, price: 20_000_001 }, { skuId: 'b', quantity: 2, price: 333 }], 0);
    const deposit = applyDeposit(priced, 0.1);
    expect(deposit.totalAmount).toBe(priced.totalAmount);
    expect(deposit.payableAmount).toBe(Math.round(priced.payableAmount * 0.1));
    expect(deposit.lines.reduce((a, l) => a + l.payable, 0)).toBe(deposit.payableAmount);
    expect(applyDeposit(priced, 1)).toBe(priced);
    expect(() => applyDeposit(priced, 0)).toThrow(RangeError);
  });
});

describe('identity rules of the business lines', () => {
  const { identities } = loadPlatformConfig(CONFIG, '');
  const resolve = (productTypes: string[], scene: Record<string, string> = { channel: 'app' }) => {
    const id = identities.resolve({ person: {}, goods: { productTypes }, scene });
    return `${id.bizId}/${id.scenario}`;
  };

  it('resolve each line from its goods', () => {
    expect(resolve(['new-car'])).toBe('new-car/default');
    expect(resolve(['hotel', 'hotel'])).toBe('travel-hotel/default');
    expect(resolve(['flight'])).toBe('travel-flight/default');
    expect(resolve(['points-goods'])).toBe('points-mall/default');
  });

  it('resolve the flash-sale scenario of retail from a campaign in the scene', () => {
    expect(resolve(['physical'], { channel: 'app', campaignId: 'c-1' })).toBe('retail/flash-sale');
    expect(resolve(['physical'])).toBe('retail/default');
  });

  it('refuse goods of two lines in one order', () => {
    expect(() => resolve(['hotel', 'flight'])).toThrow(/no business line takes an order of these goods \(hotel, flight\)/);
  });
});
