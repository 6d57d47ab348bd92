import { createHash, randomBytes } from 'node:crypto';
import type { PlatformConfig } from '../config/platform-config';
import type { Db, Tx } from '../db/knex';
import { AppError, businessRule, notFound } from '../errors/app-error';
import { newId } from '../ids';
import type { BuyerSettings } from './settings';

/** Whose cart: a logged-in buyer's, or a guest's under a temporary token. */
export type CartOwner = { buyerId: string } | { guestToken: string };

export interface CartChange {
  type: 'PRICE_CHANGED' | 'TITLE_CHANGED' | 'INSUFFICIENT_STOCK' | 'OUT_OF_STOCK' | 'LINE_NOT_OPEN';
  message: string;
  from?: number | string;
  to?: number | string;
  available?: number;
}

export interface MergeReport {
  mergedLines: number;
  /** Lines whose quantity was cut to a limit, or that could not be taken over at all. */
  adjusted: { skuId: string; requested: number; kept: number; reason: string }[];
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Carts (购物车): lines keyed by SKU with the business line that sells it, so a checkout
 * can split a cart into one order per line. A guest's cart lives under a temporary token
 * in the same tables and is merged into the buyer's cart at login. Nothing is held:
 * listing re-reads each SKU and says what changed since it was added.
 */
export class Carts {
  constructor(
    private readonly db: Db,
    private readonly config: PlatformConfig,
    private readonly settings: BuyerSettings,
  ) {}

  async newGuestCart(): Promise<{ guestCartToken: string; expiresAt: string }> {
    const token = `gc_${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.settings.cart.guestCartDays * 86_400_000);
    await this.db('carts').insert({ cart_id: newId('cart'), guest_token_hash: hashToken(token), expires_at: expiresAt });
    return { guestCartToken: token, expiresAt: expiresAt.toISOString() };
  }

  /** The owner's cart id; a buyer's is created on first use, a guest's must exist (else 401: the token is unknown). */
  async cartIdOf(db: Db | Tx, owner: CartOwner): Promise<string> {
    if ('buyerId' in owner) {
      await db('carts').insert({ cart_id: newId('cart'), buyer_id: owner.buyerId }).onConflict('buyer_id').ignore();
      return (await db('carts').where({ buyer_id: owner.buyerId }).first('cart_id')).cart_id;
    }
    const row = await db('carts').where({ guest_token_hash: hashToken(owner.guestToken) }).whereNull('merged_at').where('expires_at', '>', db.fn.now()).first('cart_id');
    if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'the guest cart token is unknown, expired or already merged into an account', [{ field: 'x-guest-cart-token', message: 'unknown', reason: 'INVALID_GUEST_CART_TOKEN' }]);
    return row.cart_id;
  }

  /** The most of a SKU one cart may hold: the cart limit, lowered by the SKU's own `maxPerOrder`. */
  private limitOf(sku: { attributes?: Record<string, unknown> }): number {
    const own = Number(sku.attributes?.maxPerOrder);
    return Number.isInteger(own) && own > 0 ? Math.min(own, this.settings.cart.maxQuantityPerSku) : this.settings.cart.maxQuantityPerSku;
  }

  /** The line selling a SKU to this person, if buyers may order from it. */
  private lineOf(sku: { product_type: string }, person: Record<string, unknown>): string {
    const identity = this.config.identities.resolve({ person, goods: { productTypes: [sku.product_type] }, scene: { channel: 'app' } });
    if (!this.settings.openLines.includes(identity.bizId)) {
      throw businessRule('LINE_NOT_OPEN_TO_BUYERS', `the ${identity.bizId} business line does not sell to buyers directly`, [{ field: 'skuId', message: `sold by ${identity.bizId}, which is not open to buyers` }]);
    }
    return identity.bizId;
  }

  private async person(db: Db | Tx, owner: CartOwner): Promise<Record<string, unknown>> {
    if (!('buyerId' in owner)) return {};
    return (await db('users').where({ user_id: owner.buyerId }).first('attributes'))?.attributes ?? {};
  }

  /** Adds `quantity` of a SKU (to what the cart already holds). */
  async add(owner: CartOwner, skuId: string, quantity: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const cartId = await this.cartIdOf(trx, owner);
      await trx('carts').where({ cart_id: cartId }).forUpdate().first('cart_id'); // one change of a cart at a time
      const sku = await trx('skus').where({ sku_id: skuId }).first();
      if (!sku) throw businessRule('SKU_NOT_FOUND', `SKU ${skuId} does not exist`, [{ field: 'skuId', message: 'unknown SKU' }]);
      const bizId = this.lineOf(sku, await this.person(trx, owner));
      const existing = await trx('cart_lines').where({ cart_id: cartId, sku_id: skuId }).first('quantity');
      const limit = this.limitOf(sku);
      const wanted = (existing?.quantity ?? 0) + quantity;
      if (wanted > limit) throw limitExceeded(skuId, limit, existing?.quantity ?? 0);
      if (!existing) {
        const [{ n }] = await trx('cart_lines').where({ cart_id: cartId }).count({ n: '*' });
        if (Number(n) >= this.settings.cart.maxLines) throw businessRule('LIMIT_EXCEEDED', `a cart holds at most ${this.settings.cart.maxLines} different SKUs`, [{ field: 'skuId', message: 'the cart is full' }]);
        await trx('cart_lines').insert({ cart_id: cartId, sku_id: skuId, biz_id: bizId, quantity, price_at_add: sku.price, title_at_add: sku.title });
      } else {
        await trx('cart_lines').where({ cart_id: cartId, sku_id: skuId }).update({ quantity: wanted, biz_id: bizId, updated_at: trx.fn.now() });
      }
      await trx('carts').where({ cart_id: cartId }).update({ updated_at: trx.fn.now() });
    });
  }

  /** Sets a line's quantity (the line must be in the cart). */
  async change(owner: CartOwner, skuId: string, quantity: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const cartId = await this.cartIdOf(trx, owner);
      const line = await trx('cart_lines').where({ cart_id: cartId, sku_id: skuId }).forUpdate().first();
      if (!line) throw notFound(`SKU ${skuId} in this cart`);
      const sku = await trx('skus').where({ sku_id: skuId }).first();
      const limit = this.limitOf(sku);
      if (quantity > limit) throw limitExceeded(skuId, limit, line.quantity);
      await trx('cart_lines').where({ cart_id: cartId, sku_id: skuId }).update({ quantity, updated_at: trx.fn.now() });
    });
  }

  /** Removes a line; removing one that is not there changes nothing. */
  async remove(owner: CartOwner, skuId: string): Promise<void> {
    const cartId = await this.cartIdOf(this.db, owner);
    await this.db('cart_lines').where({ cart_id: cartId, sku_id: skuId }).delete();
  }

  /** The cart as it is now: each line re-checked against the SKU's current price, title, stock and line. */
  async view(owner: CartOwner) {
    const cartId = await this.cartIdOf(this.db, owner);
    const person = await this.person(this.db, owner);
    const lines = await this.db('cart_lines as l').leftJoin('skus as s', 's.sku_id', 'l.sku_id').where('l.cart_id', cartId).orderBy('l.added_at').select('l.*', 's.price', 's.title', 's.stock', 's.reserved', 's.product_type');
    const items = lines.map((l) => {
      const changes: CartChange[] = [];
      if (Number(l.price) !== Number(l.price_at_add)) changes.push({ type: 'PRICE_CHANGED', message: `the price changed from ${l.price_at_add} to ${l.price} since it was added`, from: Number(l.price_at_add), to: Number(l.price) });
      if (l.title !== l.title_at_add) changes.push({ type: 'TITLE_CHANGED', message: 'the item was renamed since it was added', from: l.title_at_add, to: l.title });
      let bizId = l.biz_id as string;
      try {
        bizId = this.lineOf(l, person);
      } catch {
        changes.push({ type: 'LINE_NOT_OPEN', message: 'this item can no longer be ordered here' });
      }
      const keepsStock = this.config.identities.configOf({ bizId, scenario: 'default' }).inventoryMode !== 'none';
      const available = keepsStock ? Math.max(0, l.stock - l.reserved) : null;
      if (available === 0) changes.push({ type: 'OUT_OF_STOCK', message: 'out of stock', available: 0 });
      else if (available !== null && available < l.quantity) changes.push({ type: 'INSUFFICIENT_STOCK', message: `only ${available} left`, available });
      return {
        skuId: l.sku_id as string,
        bizId,
        title: l.title as string,
        quantity: l.quantity as number,
        priceAtAdd: Number(l.price_at_add),
        price: Number(l.price),
        subtotal: Number(l.price) * l.quantity,
        available,
        addedAt: new Date(l.added_at).toISOString(),
        changes,
      };
    });
    return {
      cartId,
      owner: 'buyerId' in owner ? 'buyer' : 'guest',
      items,
      totalQuantity: items.reduce((n, i) => n + i.quantity, 0),
      totalAmount: items.reduce((n, i) => n + i.subtotal, 0),
      changed: items.some((i) => i.changes.length > 0),
    };
  }

  /**
   * Moves a guest cart into the buyer's at login: quantities of a SKU in both are added,
   * cut to the SKU's limit; lines past the cart's size, or of SKUs no longer open to
   * buyers, stay out. The guest cart is closed (its token no longer works).
   */
  async merge(trx: Tx, guestToken: string, buyerId: string): Promise<MergeReport> {
    const guest = await trx('carts').where({ guest_token_hash: hashToken(guestToken) }).whereNull('merged_at').where('expires_at', '>', trx.fn.now()).forUpdate().first('cart_id');
    if (!guest) return { mergedLines: 0, adjusted: [] };
    const cartId = await this.cartIdOf(trx, { buyerId });
    await trx('carts').where({ cart_id: cartId }).forUpdate().first('cart_id');
    const person = await this.person(trx, { buyerId });
    const report: MergeReport = { mergedLines: 0, adjusted: [] };
    const guestLines = await trx('cart_lines as l').join('skus as s', 's.sku_id', 'l.sku_id').where('l.cart_id', guest.cart_id).orderBy('l.added_at').select('l.*', 's.attributes', 's.product_type');
    for (const g of guestLines) {
      let bizId: string;
      try {
        bizId = this.lineOf(g, person);
      } catch (err) {
        report.adjusted.push({ skuId: g.sku_id, requested: g.quantity, kept: 0, reason: (err as Error).message });
        continue;
      }
      const mine = await trx('cart_lines').where({ cart_id: cartId, sku_id: g.sku_id }).first('quantity');
      const limit = this.limitOf(g);
      const requested = (mine?.quantity ?? 0) + g.quantity;
      const kept = Math.min(requested, limit);
      if (kept < requested) report.adjusted.push({ skuId: g.sku_id, requested, kept, reason: `at most ${limit} of this SKU per cart` });
      if (mine) {
        await trx('cart_lines').where({ cart_id: cartId, sku_id: g.sku_id }).update({ quantity: kept, updated_at: trx.fn.now() });
      } else {
        const [{ n }] = await trx('cart_lines').where({ cart_id: cartId }).count({ n: '*' });
        if (Number(n) >= this.settings.cart.maxLines) {
          report.adjusted.push({ skuId: g.sku_id, requested: g.quantity, kept: 0, reason: `a cart holds at most ${this.settings.cart.maxLines} different SKUs` });
          continue;
        }
        await trx('cart_lines').insert({ cart_id: cartId, sku_id: g.sku_id, biz_id: bizId, quantity: kept, price_at_add: g.price_at_add, title_at_add: g.title_at_add, added_at: g.added_at });
      }
      report.mergedLines += 1;
    }
    await trx('cart_lines').where({ cart_id: guest.cart_id }).delete();
    await trx('carts').where({ cart_id: guest.cart_id }).update({ merged_at: trx.fn.now(), updated_at: trx.fn.now() });
    return report;
  }
}

function limitExceeded(skuId: string, limit: number, inCart: number) {
  return businessRule('LIMIT_EXCEEDED', `at most ${limit} of SKU ${skuId} per cart (the cart holds ${inCart})`, [{ field: 'quantity', message: `at most ${limit}`, limit, inCart }]);
}
