/**
 * The onboarding proof: a business line the code base has never heard of — gift cards —
 * is onboarded from one configuration file and one extension class, both in a temporary
 * directory outside the repository, and an order runs through create, pay and cancel on
 * a platform started with them (CONFIG_OVERLAY, EXTENSION_MODULES). Nothing in
 * workflows/, activities/, platform/, extensions/ or config/ knows the line.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { account, closeDatabase, KEYS, makeSku, makeUser, uid } from '../support/api';
import { callPair, expectWorkerRefuses, startPair, type Pair } from '../support/platform-pair';
import { ROOT } from '../support/test-env';

afterAll(closeDatabase);

const LINE = 'gift-card';
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
const KEY = 'gift-card-backend-key';

function onboardingDir(): { dir: string; overlay: string; extension: string; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-gift-card-'));
  tempDirs.push(dir);
  // The extension's package dependencies (inversify) resolve as they would in the line's own repository.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const overlay = path.join(dir, 'gift-card.yaml');
  fs.writeFileSync(
    overlay,
    `# The gift-card line: its identity, configuration, rule, flows and back-end key.
identities:
  lines:
    ${LINE}:
      description: Digital gift cards, sent by e-mail; no stock, no coupons, paid from the balance.
      config: { inventoryMode: none, couponsAllowed: false, paymentMethods: [balance], payWindowSeconds: 600 }
      scenarios: { default: {} }
  rules:
    - name: gift cards
      when: { goods: { productType: [gift-card] } }
      identity: { bizId: ${LINE}, scenario: default }
flows:
  ${LINE}:
    "#default":
      order.create:
        - order.validate
        - order.draft
        - order.activate
      order.pay:
        - payment.freeze
        - order.markPaid
        - payment.confirm
      order.timeoutClose: [order.close]
      order.cancel: [payment.refund, order.cancel]
      order.refund: [payment.refund, refund.complete]
apiKeys:
  keys:
    - id: gift-card-backend
      sha256: ${createHash('sha256').update(KEY).digest('hex')}
      role: business
      bizIds: [${LINE}]
`,
  );
  const source = path.join(dir, 'gift-card-order-check.ext.ts');
  const p = (rel: string) => JSON.stringify(path.join(ROOT, rel));
  fs.writeFileSync(
    source,
    `import { inject } from 'inversify';
import type { Db } from ${p('platform/db/knex')};
import { TYPES } from ${p('platform/db/tokens')};
import type { CreateOrderRequest } from ${p('platform/domain/flow')};
import { businessRule } from ${p('platform/errors/app-error')};
import { Extension } from ${p('platform/registry/extension-decorator')};
import { DefaultOrderCheckExt } from ${p('extensions/default/order-check.ext')};
import { OrderCheckExtPt, type OrderRef, type StepOutcome } from ${p('extension-points')};

/** Gift cards: at most 5 cards per order (a fraud rule of the line), then the shared checks. */
@Extension(OrderCheckExtPt, { bizId: '${LINE}' })
export class GiftCardOrderCheckExt implements OrderCheckExtPt {
  private readonly shared: DefaultOrderCheckExt;

  constructor(@inject(TYPES.Db) db: Db) {
    this.shared = new DefaultOrderCheckExt(db);
  }

  async checkOrder(order: OrderRef, request: CreateOrderRequest): Promise<StepOutcome> {
    const cards = request.items.reduce((n, i) => n + i.quantity, 0);
    if (cards > 5) throw businessRule('GIFT_CARD_LIMIT', 'at most 5 gift cards per order', [{ field: 'items', message: cards + ' cards' }]);
    const outcome = await this.shared.checkOrder(order, request);
    return { ...outcome, detail: outcome.detail + '; ' + cards + ' gift card(s)' };
  }
}
`,
  );
  // Built as the line's own package would be (its decorators need its compiler settings),
  // into dist/: beside the source, tsx would load the .ts instead.
  fs.mkdirSync(path.join(dir, 'dist'));
  const extension = path.join(dir, 'dist', 'gift-card-order-check.ext.js');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, esModuleInterop: true };
  fs.writeFileSync(extension, ts.transpileModule(fs.readFileSync(source, 'utf8'), { compilerOptions, fileName: source }).outputText);
  return { dir, overlay, extension, source };
}

/** Every file under the code base's own directories that mentions `needle`. */
function mentions(needle: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (fs.readFileSync(full, 'utf8').includes(needle)) hits.push(path.relative(ROOT, full));
    }
  };
  for (const d of ['workflows', 'activities', 'extension-points', 'platform', 'extensions', 'config']) walk(path.join(ROOT, d));
  return hits;
}

describe('onboarding a business line from configuration and one extension class', () => {
  let pair: Pair | undefined;
  afterAll(async () => {
    await pair?.stop();
  });

  it('runs an order of the new line through create, pay and cancel with no change to the platform', async () => {
    expect(mentions(LINE)).toEqual([]);
    const { overlay, extension } = onboardingDir();
    pair = await startPair({ name: 'onboarding', taskQueue: uid('orders-onboarding'), env: { CONFIG_OVERLAY: overlay, EXTENSION_MODULES: extension } });

    // The platform knows the line: its identity and the steps each extension runs.
    const identities = (await callPair(pair, 'GET', '/v1/identities', KEY)).body.identities;
    expect(identities).toContainEqual(expect.objectContaining({ bizId: LINE, config: expect.objectContaining({ inventoryMode: 'none', paymentMethods: ['balance'] }) }));
    const caps = (await callPair(pair, 'GET', '/v1/capabilities', KEY)).body.capabilities.find((c: any) => c.bizId === LINE);
    const create = caps.useCases.find((u: any) => u.useCase === 'order.create').steps;
    expect(create[0]).toMatchObject({ ability: 'order.validate', extension: 'GiftCardOrderCheckExt', registeredAt: `${LINE}.#default.#default` });

    const userId = await makeUser({ balance: 100_000 });
    const skuId = await makeSku({ productType: 'gift-card', price: 20_000, stock: 0 });
    const order = (n: number) => ({ userId, items: [{ skuId, quantity: n }], scene: { channel: 'app' } });

    const tooMany = await callPair(pair, 'POST', '/v1/orders', KEY, order(6), uid('idem'));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('GIFT_CARD_LIMIT');

    const created = await callPair(pair, 'POST', '/v1/orders', KEY, order(2), uid('idem'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ bizId: LINE, scenario: 'default', status: 'PENDING_PAYMENT', payableAmount: 40_000 });
    const orderId = created.body.orderId;
    // The identity is the tenant: other lines' keys do not see the new line's order.
    expect((await callPair(pair, 'GET', `/v1/orders/${orderId}`, KEYS.retail)).status).toBe(404);

    const paid = await callPair(pair, 'POST', `/v1/orders/${orderId}/payments`, KEY, { method: 'balance' });
    expect(paid.body).toMatchObject({ status: 'PAID', paidAmount: 40_000 });
    expect(await account(userId)).toMatchObject({ balance: 60_000, frozen: 0 });

    const cancelled = await callPair(pair, 'POST', `/v1/orders/${orderId}/cancel`, KEY, { reason: 'sent to the wrong address' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED', refundedAmount: 40_000 });
    expect(await account(userId)).toMatchObject({ balance: 100_000, frozen: 0 });

    const events = (await callPair(pair, 'GET', `/v1/orders/${orderId}/history`, KEY)).body.events;
    expect(events.filter((e: any) => e.kind === 'STEP_COMPLETED').map((e: any) => `${e.step}:${e.extension}`)).toEqual([
      'order.validate:GiftCardOrderCheckExt',
      'order.draft:DefaultOrderStoreExt',
      'order.activate:DefaultOrderStoreExt',
      'payment.freeze:DefaultPaymentExt',
      'order.markPaid:DefaultOrderStoreExt',
      'payment.confirm:DefaultPaymentExt',
      'payment.refund:DefaultPaymentExt',
      'order.cancel:DefaultOrderStoreExt',
    ]);
    expect(mentions(LINE)).toEqual([]);
  });

  it('a line whose flows need an extension nobody provides stops the process at start-up, naming file and key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-train-'));
    tempDirs.push(dir);
    const overlay = path.join(dir, 'train.yaml');
    fs.writeFileSync(
      overlay,
      `identities:
  lines:
    travel-train: { config: { inventoryMode: none }, scenarios: { default: {} } }
  rules:
    - { name: trains, when: { goods: { productType: [train] } }, identity: { bizId: travel-train, scenario: default } }
flows:
  travel-train:
    "#default":
      order.create:
        - order.validate
        - order.draft
        - supplier.book
        - order.activate
      order.pay:
        - payment.freeze
        - order.markPaid
        - payment.confirm
      order.timeoutClose: [supplier.cancelBooking, order.close]
      order.cancel: [supplier.cancelBooking, payment.refund, order.cancel]
      order.refund: [payment.refund, refund.complete]
`,
    );
    const refused = await expectWorkerRefuses({ name: 'onboarding-train', taskQueue: uid('orders-train'), env: { CONFIG_OVERLAY: overlay } });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/flows\.yaml: travel-train\.#default\.order\.create: ability "supplier\.book" needs an implementation of SupplierExtPt for travel-train\/default/);

    const missing = await expectWorkerRefuses({ name: 'onboarding-missing-module', taskQueue: uid('orders-missing'), env: { EXTENSION_MODULES: path.join(dir, 'no-such-extension.ts') } });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/EXTENSION_MODULES: cannot load .*no-such-extension\.ts/);
  });
});
