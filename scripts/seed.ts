/**
 * Idempotent demo data for the embedded default: users with balances, SKUs for retail
 * and used cars, and a coupon. Rows that exist are left alone, so restarting never
 * resets balances or stock that orders have moved.
 */
import { createDb } from '../platform/db/knex';
import { openUserAccount } from '../platform/repositories/accounts';

export const DEMO = {
  users: [
    { userId: 'u-alice', balance: 500_000, points: 10_000, attributes: { member: true } },
    { userId: 'u-bob', balance: 200_000, points: 0, attributes: { member: false } },
    { userId: 'u-carol', balance: 1_000, points: 0, attributes: { member: false } },
    { userId: 'u-dave', balance: 20_000_000, points: 0, attributes: { member: true, certifiedOwner: true } },
  ],
  skus: [
    { skuId: 'sku-tshirt-m', spuId: 'spu-tshirt', title: 'Cotton T-shirt, M', productType: 'physical', price: 9_900, stock: 100 },
    { skuId: 'sku-mug', spuId: 'spu-mug', title: 'Ceramic mug', productType: 'physical', price: 2_500, stock: 50 },
    { skuId: 'sku-usedcar-civic-2019', spuId: 'spu-usedcar-civic', title: 'Used Civic 2019, 42,000 km', productType: 'used-car', price: 8_800_000, stock: 1 },
  ],
  coupons: [{ code: 'OFF10', amountOff: 1_000, minSpend: 5_000, quantity: 100, bizIds: ['retail'] }],
};

export async function seedDemoData(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 2);
  try {
    await db.transaction(async (trx) => {
      for (const u of DEMO.users) await openUserAccount(trx, u, false);
      for (const s of DEMO.skus) {
        await trx('spus').insert({ spu_id: s.spuId, title: s.title, product_type: s.productType }).onConflict('spu_id').ignore();
        await trx('skus')
          .insert({ sku_id: s.skuId, spu_id: s.spuId, title: s.title, product_type: s.productType, price: s.price, stock: s.stock })
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
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  seedDemoData(url).then(() => console.log('demo data in place'));
}
