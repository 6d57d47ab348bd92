/**
 * Idempotent demo data for the embedded default: users with balances and points, SKUs
 * for every business line, and coupons. Rows that exist are left alone, so restarting never
 * resets balances or stock that orders have moved.
 */
import { createDb } from '../platform/db/knex';
import { envSettings, required } from '../platform/env';
import { openUserAccount } from '../platform/repositories/accounts';

export const DEMO = {
  users: [
    { userId: 'u-alice', balance: 500_000, points: 10_000, attributes: { member: true } },
    { userId: 'u-bob', balance: 200_000, points: 0, attributes: { member: false } },
    { userId: 'u-carol', balance: 1_000, points: 0, attributes: { member: false } },
    { userId: 'u-dave', balance: 20_000_000, points: 0, attributes: { member: true, certifiedOwner: true } },
    { userId: 'u-erin', balance: 100_000, points: 50_000, attributes: { member: true } },
  ],
  skus: [
    { skuId: 'sku-tshirt-m', spuId: 'spu-tshirt', title: 'Cotton T-shirt, M', productType: 'physical', price: 9_900, stock: 100 },
    { skuId: 'sku-mug', spuId: 'spu-mug', title: 'Ceramic mug', productType: 'physical', price: 2_500, stock: 50 },
    { skuId: 'sku-usedcar-civic-2019', spuId: 'spu-usedcar-civic', title: 'Used Civic 2019, 42,000 km', productType: 'used-car', price: 8_800_000, stock: 1 },
    // new-car: 10 % deposit online (2,000,000.00 → 200,000.00), hand-over at one of its 4S stores.
    { skuId: 'sku-newcar-ev-lr', spuId: 'spu-newcar-ev', title: 'EV sedan, long range, white', productType: 'new-car', price: 20_000_000, stock: 3, attributes: { stores: ['store-4s-hz-01', 'store-4s-sh-02'] } },
    // travel: no stock of ours; the (simulated) supplier books. supplierRefuses/supplierTimeouts make it fail.
    { skuId: 'sku-hotel-westlake-king', spuId: 'spu-hotel-westlake', title: 'West Lake Hotel, king room', productType: 'hotel', price: 68_000, stock: 0, attributes: { hotel: 'West Lake Hotel', roomType: 'king', checkIn: '2026-12-24', nights: 2 } },
    { skuId: 'sku-hotel-full', spuId: 'spu-hotel-westlake', title: 'West Lake Hotel, lake-view suite (sold out at the supplier)', productType: 'hotel', price: 188_000, stock: 0, attributes: { hotel: 'West Lake Hotel', roomType: 'suite', supplierRefuses: 'book' } },
    { skuId: 'sku-flight-mu5101', spuId: 'spu-flight-mu5101', title: 'MU5101 Shanghai → Beijing, economy', productType: 'flight', price: 125_000, stock: 0, attributes: { flightNo: 'MU5101', departure: '2026-12-24T08:00+08:00' } },
    // points-mall: prices in points.
    { skuId: 'sku-points-umbrella', spuId: 'spu-points-umbrella', title: 'Folding umbrella (points)', productType: 'points-goods', price: 3_000, stock: 20 },
  ],
  coupons: [
    { code: 'OFF10', amountOff: 1_000, minSpend: 5_000, quantity: 100, bizIds: ['retail'] },
    { code: 'HOTEL50', amountOff: 5_000, minSpend: 50_000, quantity: 100, bizIds: ['travel-hotel'] },
  ],
};

export async function seedDemoData(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 2);
  try {
    await db.transaction(async (trx) => {
      for (const u of DEMO.users) await openUserAccount(trx, u, false);
      for (const s of DEMO.skus) {
        await trx('spus').insert({ spu_id: s.spuId, title: s.title, product_type: s.productType }).onConflict('spu_id').ignore();
        await trx('skus')
          .insert({ sku_id: s.skuId, spu_id: s.spuId, title: s.title, product_type: s.productType, price: s.price, stock: s.stock, attributes: JSON.stringify(s.attributes ?? {}) })
          .onConflict('sku_id')
          .ignore();
      }
      for (const c of DEMO.coupons) {
        await trx('coupons')
          .insert({ code: c.code, amount_off: c.amountOff, min_spend: c.minSpend, quantity: c.quantity, biz_ids: c.bizIds })
          .onConflict('code')
          .ignore();
      }
    });
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const url = required(envSettings(), 'DATABASE_URL');
  seedDemoData(url).then(() => console.log('demo data in place'));
}
