import { call, closeDatabase, createdOrder, database, get, KEYS, makeUser, post, uid } from '../support/api';

afterAll(closeDatabase);

const admin = (path: string, body: unknown) => post(`/v1/admin/catalogue/${path}`, body, KEYS.operator);
const search = (query: Record<string, string | string[]>, key: string = KEYS.retail) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return get(`/v1/catalogue/search?${params}`, key);
};
const countBy = <T>(list: T[], key: (t: T) => string) => list.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});

/**
 * One run's catalogue: a tree 数码 > 手机 with a template, two brands, a front category,
 * and a Huawei phone made SKU-first (retail) with three variants. Ids and a Latin marker
 * are unique per run, so searches can be confined to this run's products.
 */
const run = uid('cat').replace(/[^a-z0-9]/gi, '').toLowerCase();
const ids = {
  root: `c-${run}-digital`,
  phones: `c-${run}-phones`,
  cases: `c-${run}-cases`,
  huawei: `b-${run}-huawei`,
  apple: `b-${run}-apple`,
  front: `f-${run}-new-phones`,
  mate: `spu-${run}-mate`,
  iphone: `spu-${run}-iphone`,
};
const marker = `zx${run.slice(-6)}`;
const phoneTemplate = [
  { key: 'color', name: '颜色', kind: 'sales', type: 'enum', values: ['黑色', '白色', '蓝色'] },
  { key: 'storage', name: '内存', kind: 'sales', type: 'enum', values: ['256GB', '512GB'] },
  { key: 'network', name: '网络', kind: 'descriptive', type: 'enum', values: ['5G', '4G'], required: true },
  { key: 'weightGrams', name: '重量', kind: 'descriptive', type: 'number' },
];
const mateSkus = [
  { skuId: `${ids.mate}-black-256`, salesAttributes: { color: '黑色', storage: '256GB' }, price: 599_900, stock: 10 },
  { skuId: `${ids.mate}-white-256`, salesAttributes: { color: '白色', storage: '256GB' }, price: 599_900, stock: 10 },
  { skuId: `${ids.mate}-black-512`, salesAttributes: { color: '黑色', storage: '512GB' }, price: 699_900, stock: 0 },
];
const mate = {
  spuId: ids.mate, bizId: 'retail', categoryId: ids.phones, brandId: ids.huawei, title: `华为 Mate60 旗舰手机 ${marker}`, productType: 'physical',
  attributes: { network: '5G', weightGrams: 225 },
};

beforeAll(async () => {
  const setup = [
    await admin('categories', { categoryId: ids.root, name: '数码', attributes: [] }),
    await admin('categories', { categoryId: ids.phones, parentId: ids.root, name: '手机', attributes: phoneTemplate }),
    await admin('categories', { categoryId: ids.cases, parentId: ids.root, name: '手机壳', attributes: [{ key: 'color', name: '颜色', kind: 'sales', type: 'text' }] }),
    await admin('brands', { brandId: ids.huawei, name: '华为 Huawei' }),
    await admin('brands', { brandId: ids.apple, name: 'Apple 苹果' }),
    await admin('front-categories', { frontCategoryId: ids.front, name: '新品手机', backCategoryIds: [ids.phones] }),
    await admin('products', { ...mate, skus: mateSkus }),
    await admin('products', {
      spuId: ids.iphone, bizId: 'retail', categoryId: ids.phones, brandId: ids.apple, title: `iPhone 15 Pro ${marker}`, productType: 'physical',
      attributes: { network: '5G' }, skus: [{ skuId: `${ids.iphone}-blue-256`, salesAttributes: { color: '蓝色', storage: '256GB' }, price: 799_900, stock: 5 }],
    }),
  ];
  expect(setup.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
});

describe('catalogue', () => {
  it('keeps the template: the effective template is inherited, a SKU breaking it is refused and nothing is written', async () => {
    const phones = await get(`/v1/catalogue/categories/${ids.phones}`);
    expect(phones.status).toBe(200);
    expect(phones.body.path.map((p: any) => p.name)).toEqual(['数码', '手机']);
    expect(phones.body.template.map((a: any) => [a.key, a.kind, a.required])).toEqual([['color', 'sales', true], ['storage', 'sales', true], ['network', 'descriptive', true], ['weightGrams', 'descriptive', false]]);

    const bad = await admin(`spus/${ids.mate}/skus`, { skuId: `${ids.mate}-purple`, salesAttributes: { color: '紫色', size: 'XL' }, price: 1, stock: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('ATTRIBUTES_INVALID');
    expect(bad.body.error.details).toEqual([
      { field: 'salesAttributes.color', message: 'must be one of 黑色, 白色, 蓝色' },
      { field: 'salesAttributes.size', message: 'not an attribute of this category' },
      { field: 'salesAttributes.storage', message: 'required (内存)' },
    ]);
    const descriptiveAsSales = await admin(`spus/${ids.mate}/skus`, { skuId: `${ids.mate}-x`, salesAttributes: { color: '黑色', storage: '256GB', network: '4G' }, price: 1, stock: 1 });
    expect(descriptiveAsSales.body.error).toMatchObject({ code: 'ATTRIBUTES_INVALID', details: [{ field: 'salesAttributes.network', message: 'a descriptive attribute of this category, not a sales one' }] });
    const twin = await admin(`spus/${ids.mate}/skus`, { skuId: `${ids.mate}-twin`, salesAttributes: { color: '白色', storage: '256GB' }, price: 1, stock: 1 });
    expect(twin.body.error.code).toBe('DUPLICATE_VARIANT');
    const noDescriptive = await admin('products', { ...mate, spuId: `${ids.mate}-2`, attributes: {}, skus: [{ ...mateSkus[0], skuId: `${ids.mate}-2-a` }] });
    expect(noDescriptive.body.error).toMatchObject({ code: 'ATTRIBUTES_INVALID', details: [{ field: 'attributes.network', message: 'required (网络)' }] });

    const written = await database()('skus').whereIn('sku_id', [`${ids.mate}-purple`, `${ids.mate}-x`, `${ids.mate}-twin`, `${ids.mate}-2-a`]).pluck('sku_id');
    expect(written).toEqual([]);
    expect((await get(`/v1/catalogue/spus/${ids.mate}`)).body.skus.map((s: any) => s.skuId)).toEqual(mateSkus.map((s) => s.skuId).sort());
  });

  it('refuses template changes that products already in the category would not fit', async () => {
    const withdrawn = await admin('categories', { categoryId: ids.phones, parentId: ids.root, name: '手机', attributes: phoneTemplate.map((a) => (a.key === 'color' ? { ...a, values: ['黑色', '蓝色'] } : a)) });
    expect(withdrawn.status).toBe(409);
    expect(withdrawn.body.error.details).toEqual([{ field: 'attributes.color.values', message: 'products may use 白色; values can be added, not withdrawn' }]);
    const added = await admin('categories', { categoryId: ids.phones, parentId: ids.root, name: '手机', attributes: [...phoneTemplate, { key: 'chip', name: '芯片', kind: 'descriptive', type: 'text' }] });
    expect(added.status).toBe(200);
    const moved = await admin('categories', { categoryId: ids.phones, parentId: null, name: '手机', attributes: phoneTemplate });
    expect(moved.status).toBe(409);
    const clash = await admin('categories', { categoryId: `${ids.phones}-sub`, parentId: ids.cases, name: '壳', attributes: [{ key: 'color', name: '颜色', kind: 'descriptive', type: 'text' }] });
    expect(clash.body.error.code).toBe('TEMPLATE_INVALID');
  });

  it('creates products in each line\'s mode: SKU-first for retail, SPU-first for new cars', async () => {
    const spuOnRetail = await admin('spus', { ...mate, spuId: `${ids.mate}-alone` });
    expect(spuOnRetail.body.error.code).toBe('CREATION_MODE');
    expect(spuOnRetail.status).toBe(422);

    const carCategory = `c-${run}-cars`;
    const carBrand = `b-${run}-byd`;
    expect((await admin('categories', { categoryId: carCategory, name: '新能源汽车', attributes: [
      { key: 'trim', name: '配置', kind: 'sales', type: 'enum', values: ['标准版', '尊享版'] },
      { key: 'rangeKm', name: '续航', kind: 'descriptive', type: 'number', required: true },
    ] })).status).toBe(200);
    expect((await admin('brands', { brandId: carBrand, name: '比亚迪 BYD' })).status).toBe(200);
    const car = { spuId: `spu-${run}-han`, bizId: 'new-car', categoryId: carCategory, brandId: carBrand, title: `汉 EV ${marker}`, productType: 'new-car', attributes: { rangeKm: 605 } };
    const carWithSkus = await admin('products', { ...car, skus: [{ skuId: `${car.spuId}-std`, salesAttributes: { trim: '标准版' }, price: 20_000_000, stock: 3 }] });
    expect(carWithSkus.body.error.code).toBe('CREATION_MODE');
    const spu = await admin('spus', car);
    expect(spu.status).toBe(200);
    expect(spu.body).toMatchObject({ spuId: car.spuId, bizId: 'new-car', skus: [] });
    const sku = await admin(`spus/${car.spuId}/skus`, { skuId: `${car.spuId}-std`, salesAttributes: { trim: '标准版' }, price: 20_000_000, stock: 3 });
    expect(sku.status).toBe(200);
    expect(sku.body.skus).toEqual([{ skuId: `${car.spuId}-std`, title: `汉 EV ${marker} 标准版`, salesAttributes: { trim: '标准版' }, price: 20_000_000, stock: 3, available: 3, sold: 0 }]);
    const found = await search({ q: `比亚迪 ${marker}` });
    expect(found.body.items.map((i: any) => i.skuId)).toEqual([`${car.spuId}-std`]);
  });

  it('finds products by Chinese and Latin keywords in titles, brands, categories and attribute values', async () => {
    const skusFor = async (q: string) => (await search({ q, category: ids.root, limit: '50' })).body.items.map((i: any) => i.skuId).sort();
    const allMate = mateSkus.map((s) => s.skuId).sort();
    const iphone = `${ids.iphone}-blue-256`;
    expect(await skusFor('旗舰')).toEqual(allMate); // a CJK word inside the title
    expect(await skusFor('手机')).toEqual([...allMate, iphone].sort()); // the category's name (and a title word)
    expect(await skusFor('华为')).toEqual(allMate); // the brand
    expect(await skusFor('苹果')).toEqual([iphone]); // the brand's Chinese name
    expect(await skusFor('ATE6')).toEqual(allMate); // a Latin substring, any case
    expect(await skusFor('iphone 蓝色')).toEqual([iphone]); // every word must match
    expect(await skusFor('黑色 512gb')).toEqual([`${ids.mate}-black-512`]); // sales attribute values
    expect(await skusFor('5g')).toEqual([...allMate, iphone].sort()); // a descriptive attribute value, a short whole word
    expect(await skusFor('色')).toEqual([...allMate, iphone].sort()); // one CJK character
    expect(await skusFor('华为 苹果')).toEqual([]);
    expect(await skusFor('100%_')).toEqual([]); // LIKE's wildcards are plain characters

    const ranked = await search({ q: `mate60 ${marker}` });
    expect(ranked.body.items.map((i: any) => i.skuId)).toEqual(allMate);
  });

  it('filters by back and front category, brand, attribute values, price and stock, with facet counts over every match', async () => {
    const r = await search({ frontCategory: ids.front, facets: 'brand,category,attributes', limit: '2', sort: 'price-asc' });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(4);
    expect(r.body.items.map((i: any) => i.skuId)).toEqual([`${ids.mate}-black-256`, `${ids.mate}-white-256`]);
    expect(r.body.facets.brands).toEqual([{ brandId: ids.huawei, name: '华为 Huawei', count: 3 }, { brandId: ids.apple, name: 'Apple 苹果', count: 1 }]);
    expect(r.body.facets.categories).toEqual([{ categoryId: ids.phones, name: '手机', count: 4 }]);
    expect(r.body.facets.attributes).toEqual([
      { key: 'color', values: [{ value: '黑色', count: 2 }, { value: '白色', count: 1 }, { value: '蓝色', count: 1 }] },
      { key: 'network', values: [{ value: '5G', count: 4 }] },
      { key: 'storage', values: [{ value: '256GB', count: 3 }, { value: '512GB', count: 1 }] },
      { key: 'weightGrams', values: [{ value: '225', count: 3 }] },
    ]);

    const ids_ = async (query: Record<string, string | string[]>) => (await search({ category: ids.phones, ...query })).body.items.map((i: any) => i.skuId).sort();
    expect(await ids_({ brand: ids.apple })).toEqual([`${ids.iphone}-blue-256`]);
    expect(await ids_({ attr: ['color:黑色', 'color:蓝色', 'storage:256GB'] })).toEqual([`${ids.mate}-black-256`, `${ids.iphone}-blue-256`].sort());
    expect(await ids_({ minPrice: '600000', maxPrice: '799900' })).toEqual([`${ids.mate}-black-512`, `${ids.iphone}-blue-256`].sort());
    expect(await ids_({ inStock: 'true', brand: ids.huawei })).toEqual([`${ids.mate}-black-256`, `${ids.mate}-white-256`]);
    expect(await ids_({ category: ids.cases })).toEqual([]);
    expect((await search({ frontCategory: 'no-such-front', facets: 'brand' })).body).toEqual({ items: [], nextCursor: null, total: 0, facets: { brands: [] } });

    // Each facet alone counts the same as with the others; no match counts nothing.
    const facetsAlone = async (facets: string) => (await search({ frontCategory: ids.front, facets })).body;
    expect(await facetsAlone('brand')).toMatchObject({ total: 4, facets: { brands: r.body.facets.brands } });
    expect(await facetsAlone('category')).toMatchObject({ total: 4, facets: { categories: r.body.facets.categories } });
    expect(await facetsAlone('attributes')).toMatchObject({ total: 4, facets: { attributes: r.body.facets.attributes } });
    expect((await search({ category: ids.cases, facets: 'brand,category' })).body).toEqual({ items: [], nextCursor: null, total: 0, facets: { brands: [], categories: [] } });
  });

  it('pages with cursors in every sort without losing or repeating a hit', async () => {
    for (const sort of ['relevance', 'price-asc', 'price-desc', 'sales']) {
      const seen: any[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await search({ category: ids.phones, sort, limit: '1', ...(cursor ? { cursor } : {}) });
        expect(page.status).toBe(200);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.map((i) => i.skuId).sort()).toEqual([...mateSkus.map((s) => s.skuId), `${ids.iphone}-blue-256`].sort());
      if (sort === 'price-asc') expect(seen.map((i) => i.price)).toEqual([599_900, 599_900, 699_900, 799_900]);
      if (sort === 'price-desc') expect(seen.map((i) => i.price)).toEqual([799_900, 699_900, 599_900, 599_900]);
    }
  });

  it('shows a price change at once, whichever endpoint made it', async () => {
    const skuId = `${ids.mate}-white-256`;
    const priceOf = async () => (await search({ q: marker, category: ids.phones, limit: '50' })).body.items.find((i: any) => i.skuId === skuId)?.price;
    expect((await admin(`spus/${ids.mate}/skus`, { ...mateSkus[1], price: 549_900 })).status).toBe(200);
    expect(await priceOf()).toBe(549_900);
    const legacy = await post('/v1/admin/skus', { skuId, spuId: ids.mate, title: `华为 Mate60 旗舰手机 ${marker} 白色 256GB`, productType: 'physical', price: 539_900, stock: 10, attributes: { network: '5G', weightGrams: 225, color: '白色', storage: '256GB' } }, KEYS.operator);
    expect(legacy.status).toBe(200);
    expect(await priceOf()).toBe(539_900);
    expect((await search({ category: ids.phones, maxPrice: '540000' })).body.items.map((i: any) => i.skuId)).toEqual([skuId]);
  });

  it('sells a catalogue SKU through the order API; its stock shows at once, and the order keeps the title it was bought under', async () => {
    const skuId = `${ids.mate}-black-256`;
    const userId = await makeUser({ balance: 10_000_000 });
    const order = await createdOrder({ userId, items: [{ skuId, quantity: 2 }] });
    expect(order).toMatchObject({ bizId: 'retail', status: 'PENDING_PAYMENT', totalAmount: 1_199_800 });
    const hit = async () => (await search({ q: `${marker} 黑色 256gb` })).body.items.find((i: any) => i.skuId === skuId);
    expect(await hit()).toMatchObject({ available: 8, price: 599_900 });

    const renamed = await admin('products', { ...mate, title: `华为 Mate60 Pro ${marker}`, skus: [mateSkus[0]] });
    expect(renamed.status).toBe(200);
    expect(renamed.body.skus.map((s: any) => [s.skuId, s.title])).toEqual([...mateSkus].sort((a, b) => (a.skuId < b.skuId ? -1 : 1)).map((s) => [s.skuId, `华为 Mate60 Pro ${marker} ${s.salesAttributes.color} ${s.salesAttributes.storage}`]));
    expect((await get(`/v1/skus/${skuId}`)).body).toMatchObject({ title: `华为 Mate60 Pro ${marker} 黑色 256GB`, reserved: 2 });
    expect(await hit()).toMatchObject({ title: `华为 Mate60 Pro ${marker} 黑色 256GB`, available: 8 });
    expect((await search({ q: `旗舰 ${marker}` })).body.items).toEqual([]);

    const snapshotTitle = async (orderId: string) => {
      const item = (await get(`/v1/orders/${orderId}`)).body.items[0];
      return (await database()('item_snapshots').where({ snapshot_id: item.snapshotId }).first()).content.title;
    };
    expect(await snapshotTitle(order.orderId)).toBe(`华为 Mate60 旗舰手机 ${marker} 黑色 256GB`);
    const later = await createdOrder({ userId, items: [{ skuId, quantity: 1 }] });
    expect(await snapshotTitle(later.orderId)).toBe(`华为 Mate60 Pro ${marker} 黑色 256GB`);
    expect(await snapshotTitle(order.orderId)).toBe(`华为 Mate60 旗舰手机 ${marker} 黑色 256GB`);
  });

  it('answers bad input with a 4xx in the contract\'s format and writes nothing', async () => {
    const replies = {
      nulTitle: await admin('products', { ...mate, spuId: `${ids.mate}-nul`, title: 'a\u0000b', skus: mateSkus }),
      hugePrice: await admin(`spus/${ids.mate}/skus`, { ...mateSkus[0], price: 2 ** 63 }),
      hugeStock: await admin(`spus/${ids.mate}/skus`, { ...mateSkus[0], stock: 2 ** 31 }),
      unknownField: await admin('brands', { brandId: `b-${run}-x`, name: 'x', logo: 'y' }),
      unknownBrand: await admin('products', { ...mate, spuId: `${ids.mate}-nobrand`, brandId: 'nope', skus: [{ ...mateSkus[0], skuId: `${ids.mate}-nobrand-1` }] }),
      unknownLine: await admin('products', { ...mate, spuId: `${ids.mate}-noline`, bizId: 'groceries', skus: [{ ...mateSkus[0], skuId: `${ids.mate}-noline-1` }] }),
      notLeaf: await admin('products', { ...mate, spuId: `${ids.mate}-root`, categoryId: ids.root, skus: [{ ...mateSkus[0], skuId: `${ids.mate}-root-1` }] }),
      nulQuery: await search({ q: 'a\u0000' }),
      badCursor: await search({ cursor: 'not-a-cursor' }),
      otherSortCursor: await search({ sort: 'sales', cursor: Buffer.from(JSON.stringify({ s: 'price-asc', k: [1], id: 'x' })).toString('base64url') }),
      badLimit: await search({ limit: '1000' }),
      badPrice: await search({ minPrice: '99999999999999999999' }),
      badAttr: await search({ attr: 'no-colon' }),
      unknownParam: await search({ colour: 'red' }),
      nulPath: await get('/v1/catalogue/spus/%00'),
      missingSpu: await get(`/v1/catalogue/spus/${ids.mate}-none`),
      businessKeyWrites: await post('/v1/admin/catalogue/brands', { brandId: `b-${run}-y`, name: 'y' }, KEYS.usedCar),
      noKey: await call('GET', '/v1/catalogue/search', { key: null }),
    };
    const outcomes = Object.fromEntries(Object.entries(replies).map(([k, r]) => [k, `${r.status} ${r.body?.error?.code ?? ''}`.trim()]));
    expect(outcomes).toEqual({
      nulTitle: '400 VALIDATION_FAILED',
      hugePrice: '400 VALIDATION_FAILED',
      hugeStock: '400 VALIDATION_FAILED',
      unknownField: '400 VALIDATION_FAILED',
      unknownBrand: '422 UNKNOWN_REFERENCE',
      unknownLine: '422 UNKNOWN_REFERENCE',
      notLeaf: '422 CATEGORY_NOT_LEAF',
      nulQuery: '400 VALIDATION_FAILED',
      badCursor: '400 VALIDATION_FAILED',
      otherSortCursor: '400 VALIDATION_FAILED',
      badLimit: '400 VALIDATION_FAILED',
      badPrice: '400 VALIDATION_FAILED',
      badAttr: '400 VALIDATION_FAILED',
      unknownParam: '400 VALIDATION_FAILED',
      nulPath: '400 VALIDATION_FAILED',
      missingSpu: '404 NOT_FOUND',
      businessKeyWrites: '403 FORBIDDEN',
      noKey: '401 UNAUTHENTICATED',
    });
    expect(replies.nulTitle.body.error.details).toEqual([{ field: 'title', message: 'contains the NUL character (\\u0000)' }]);
    const strays = await database()('spus').whereIn('spu_id', [`${ids.mate}-nul`, `${ids.mate}-nobrand`, `${ids.mate}-noline`, `${ids.mate}-root`]).pluck('spu_id');
    expect(strays).toEqual([]);
    expect((await get('/v1/catalogue/brands')).body.brands.filter((b: any) => b.brandId.startsWith(`b-${run}-`)).map((b: any) => b.brandId)).toEqual([`b-${run}-apple`, `b-${run}-byd`, `b-${run}-huawei`]);
  });

  it('lets every API key browse: any business line, for its buyers', async () => {
    const keys = [KEYS.retail, KEYS.usedCar, KEYS.hotel, KEYS.operator];
    const replies = await Promise.all(keys.map((k) => search({ q: marker, category: ids.phones }, k)));
    expect(replies.map((r) => [r.status, r.body.items.length])).toEqual(keys.map(() => [200, 4]));
    const trees = await Promise.all([get('/v1/catalogue/categories', KEYS.hotel), get('/v1/catalogue/front-categories', KEYS.hotel)]);
    expect(trees.map((t) => t.status)).toEqual([200, 200]);
    const root = trees[0].body.categories.find((c: any) => c.categoryId === ids.root);
    expect(root.children.map((c: any) => c.name)).toEqual(['手机壳', '手机']); // same position: by id
    expect(trees[1].body.frontCategories.find((f: any) => f.frontCategoryId === ids.front)).toEqual({ frontCategoryId: ids.front, name: '新品手机', backCategoryIds: [ids.phones], children: [] });
  });

  it('finds products under their brand\'s and category\'s new names right after a rename', async () => {
    const iphone = `${ids.iphone}-blue-256`;
    expect((await admin('brands', { brandId: ids.apple, name: 'Apple 苹果公司' })).status).toBe(200);
    expect((await admin('categories', { categoryId: ids.phones, parentId: ids.root, name: '移动电话', attributes: [...phoneTemplate, { key: 'chip', name: '芯片', kind: 'descriptive', type: 'text' }] })).status).toBe(200);
    const found = async (q: string) => (await search({ q, limit: '50' })).body.items.map((i: any) => i.skuId).sort();
    expect(await found(`苹果公司 ${marker}`)).toEqual([iphone]);
    expect(await found(`移动电话 ${marker}`)).toEqual([...mateSkus.map((s) => s.skuId), iphone].sort());
    expect(await found(`手机 ${marker}`)).toEqual([]); // no title, brand or category says 手机 any more
  });

  it('lists its endpoints in the OpenAPI document', async () => {
    const doc = (await get('/v1/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.includes('/catalogue/')).sort()).toEqual([
      '/v1/admin/catalogue/brands', '/v1/admin/catalogue/categories', '/v1/admin/catalogue/front-categories', '/v1/admin/catalogue/products',
      '/v1/admin/catalogue/spus', '/v1/admin/catalogue/spus/{spuId}/skus',
      '/v1/catalogue/brands', '/v1/catalogue/categories', '/v1/catalogue/categories/{categoryId}', '/v1/catalogue/front-categories', '/v1/catalogue/search', '/v1/catalogue/spus/{spuId}',
    ]);
  });
});
