/**
 * The benchmark's catalogue: a realistic tree (10 top-level categories, 100 below them,
 * 1,000 leaves), 2,000 brands with Chinese and Latin names, and SPUs of four SKUs each
 * whose titles mix Chinese words, a Latin model and a Latin tag, e.g.
 * "华米 新款手机 K482 旗舰 Pro 黑色 高配版". Generated inside PostgreSQL with
 * INSERT … SELECT over generate_series; the listings' search keys come from the same SQL
 * function the catalogue's trigger uses, with the listing indexes dropped during the load
 * and rebuilt from their own definitions after it.
 */
import type { Db } from '../platform/db/knex';

export const TOPS = ['数码', '家电', '服装', '鞋靴', '美妆', '食品', '家居', '运动', '母婴', '图书'];
export const NOUNS = [
  ['手机', '平板电脑', '笔记本电脑', '耳机', '智能手表', '相机', '音箱', '充电器', '移动电源', '键盘'],
  ['冰箱', '洗衣机', '空调', '电视', '微波炉', '电饭煲', '吸尘器', '净水器', '电风扇', '热水器'],
  ['衬衫', 'T恤', '连衣裙', '牛仔裤', '羽绒服', '卫衣', '西装', '风衣', '毛衣', '短裤'],
  ['运动鞋', '皮鞋', '靴子', '凉鞋', '拖鞋', '帆布鞋', '高跟鞋', '板鞋', '登山鞋', '雪地靴'],
  ['口红', '面霜', '精华液', '洗面奶', '面膜', '香水', '防晒霜', '粉底液', '眼影', '卸妆水'],
  ['咖啡', '茶叶', '牛奶', '坚果', '巧克力', '饼干', '大米', '食用油', '蜂蜜', '矿泉水'],
  ['床垫', '枕头', '被子', '沙发', '台灯', '窗帘', '地毯', '收纳盒', '餐具', '毛巾'],
  ['跑步机', '瑜伽垫', '哑铃', '篮球', '足球', '羽毛球拍', '自行车', '泳镜', '帐篷', '登山包'],
  ['纸尿裤', '奶粉', '婴儿车', '安全座椅', '奶瓶', '玩具', '童装', '湿巾', '儿童餐椅', '学步鞋'],
  ['小说', '童书', '教材', '漫画', '字典', '文学', '历史', '经济', '科普', '绘本'],
];
export const MODIFIERS = ['经典', '新款', '高端', '入门', '专业', '便携', '家用', '商务', '轻奢', '国潮'];
export const ADJECTIVES = ['旗舰', '轻薄', '加厚', '防水', '静音', '大容量', '高清', '无线', '智能', '超薄', '限量版', '升级版', '2025款', '原装', '进口', '正品'];
export const TAGS = ['Pro', 'Max', 'Lite', 'Plus', 'Air', 'Mini', 'Ultra', 'SE', 'Neo', 'Classic'];
export const COLORS = ['黑色', '白色', '红色', '蓝色', '灰色', '金色', '绿色', '粉色'];
export const SPECS = ['标准版', '高配版', '套装', '礼盒装'];
export const MATERIALS = ['金属', '塑料', '纯棉', '皮革', '玻璃', '木质'];
const SYLLABLES = '华米联想海尔美的格力小天长虹飞利宝安佳能森林星光云山金玉青龙凤鸿大新东方乐康万达'.split('');
const PINYIN = ['hua', 'mi', 'lian', 'xiang', 'hai', 'er', 'mei', 'de', 'ge', 'li', 'xiao', 'tian', 'chang', 'hong', 'fei', 'li', 'bao', 'an', 'jia', 'neng', 'sen', 'lin', 'xing', 'guang', 'yun', 'shan', 'jin', 'yu', 'qing', 'long', 'feng', 'hong', 'da', 'xin', 'dong', 'fang', 'le', 'kang', 'wan', 'da'];
export const BRANDS = 2_000;
export const SKUS_PER_SPU = 4;

export function brandName(j: number) {
  const a = j % 40;
  const b = Math.floor(j / 40) % 40;
  const c = Math.floor(j / 1600);
  const latin = PINYIN[a][0].toUpperCase() + PINYIN[a].slice(1) + PINYIN[b] + (c ? ` ${TAGS[c % TAGS.length]}` : '');
  return { cjk: SYLLABLES[a] + SYLLABLES[b] + (c ? SYLLABLES[(a + c) % 40] : ''), latin };
}

export const leafId = (top: number, mid: number, leaf: number) => `bc-${top}-${mid}-${leaf}`;

export async function seedCatalogue(db: Db, skus: number, log: (m: string) => void) {
  const spus = Math.ceil(skus / SKUS_PER_SPU);
  const template = [
    { key: 'color', name: '颜色', kind: 'sales', type: 'enum', values: COLORS, required: true },
    { key: 'spec', name: '规格', kind: 'sales', type: 'enum', values: SPECS, required: true },
    { key: 'material', name: '材质', kind: 'descriptive', type: 'enum', values: MATERIALS, required: true },
    { key: 'year', name: '上市年份', kind: 'descriptive', type: 'number', required: false },
  ];
  const categories: Record<string, unknown>[] = [];
  TOPS.forEach((top, t) => {
    categories.push({ category_id: `bc-${t}`, parent_id: null, name: top, path: [`bc-${t}`], attributes: JSON.stringify(template), position: t });
    NOUNS[t].forEach((noun, m) => {
      categories.push({ category_id: `bc-${t}-${m}`, parent_id: `bc-${t}`, name: noun, path: [`bc-${t}`, `bc-${t}-${m}`], attributes: '[]', position: m });
      MODIFIERS.forEach((mod, l) => {
        categories.push({ category_id: leafId(t, m, l), parent_id: `bc-${t}-${m}`, name: mod + noun, path: [`bc-${t}`, `bc-${t}-${m}`, leafId(t, m, l)], attributes: '[]', position: l });
      });
    });
  });
  await db.batchInsert('catalogue_categories', categories, 500);
  await db.batchInsert('catalogue_brands', Array.from({ length: BRANDS }, (_, j) => ({ brand_id: `br-${j}`, name: `${brandName(j).cjk} ${brandName(j).latin}` })), 500);
  // Merchandising's tree: a few top nodes each showing two back-end mid categories, and one per back-end top.
  const fronts: Record<string, unknown>[] = [];
  TOPS.forEach((top, t) => {
    fronts.push({ front_category_id: `fc-${t}`, parent_id: null, name: `${top}精选`, position: t, back_category_ids: [`bc-${t}`] });
    for (let k = 0; k < 5; k++) fronts.push({ front_category_id: `fc-${t}-${k}`, parent_id: `fc-${t}`, name: `${NOUNS[t][2 * k]}与${NOUNS[t][2 * k + 1]}`, position: k, back_category_ids: [`bc-${t}-${2 * k}`, `bc-${t}-${2 * k + 1}`] });
  });
  await db.batchInsert('catalogue_front_categories', fronts, 500);

  const indexes: { indexdef: string; indexname: string }[] = (
    await db.raw(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalogue_listings' AND indexname NOT IN ('catalogue_listings_pkey', 'catalogue_listings_spu_id_variant_key_unique')`)
  ).rows;
  for (const i of indexes) await db.raw(`DROP INDEX ${i.indexname}`);

  let started = Date.now();
  // SPU i: leaf (i mod 1000), brand by hash, words from the pools by hashes of i.
  await db.raw(
    `INSERT INTO spus (spu_id, title, product_type, attributes)
     SELECT 'spu-' || i,
            split_part(b.name, ' ', 1) || ' ' || c.name || ' ' || chr((65 + h % 26)::int) || (100 + h % 900) || ' ' || (?::text[])[1 + (h / 7) % ?] || ' ' || (?::text[])[1 + (h / 131) % ?],
            'physical',
            jsonb_build_object('material', (?::text[])[1 + (h / 17) % 6], 'year', 2020 + (h / 23) % 6)
     FROM generate_series(0, ? - 1) i
     CROSS JOIN LATERAL (SELECT hashint4(i)::bigint + 2147483648 AS h) hh
     JOIN catalogue_categories c ON c.category_id = 'bc-' || (i % 1000) / 100 || '-' || (i % 100) / 10 || '-' || i % 10
     JOIN catalogue_brands b ON b.brand_id = 'br-' || (hashint4(i + 7)::bigint + 2147483648) % ?`,
    [ADJECTIVES, ADJECTIVES.length, TAGS, TAGS.length, MATERIALS, spus, BRANDS],
  );
  await db.raw(
    `INSERT INTO catalogue_spus (spu_id, biz_id, category_id, brand_id)
     SELECT 'spu-' || i, 'retail', 'bc-' || (i % 1000) / 100 || '-' || (i % 100) / 10 || '-' || i % 10, 'br-' || (hashint4(i + 7)::bigint + 2147483648) % ?
     FROM generate_series(0, ? - 1) i`,
    [BRANDS, spus],
  );
  log(`  ${spus} SPUs in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  started = Date.now();
  // Four variants: two colours × two specs picked per SPU; prices log-uniform 1 to 10,000 yuan; sales skewed.
  await db.raw(
    `INSERT INTO skus (sku_id, spu_id, title, product_type, price, stock, sold, attributes)
     SELECT s.spu_id || '-' || v, s.spu_id, s.title || ' ' || c || ' ' || p, 'physical',
            (100 * exp(random() * ln(10000)))::bigint, CASE WHEN random() < 0.1 THEN 0 ELSE (random() * 500)::int END,
            (power(random(), 4) * 20000)::int,
            s.attributes || jsonb_build_object('color', c, 'spec', p)
     FROM spus s
     CROSS JOIN LATERAL (SELECT hashtext(s.spu_id)::bigint + 2147483648 AS h) hh
     CROSS JOIN LATERAL (SELECT v, (?::text[])[1 + (h + v / 2 * 3) % 8] AS c, (?::text[])[1 + (h / 8 + v % 2) % 4] AS p FROM generate_series(0, 3) v) vv
     WHERE s.spu_id LIKE 'spu-%'
     LIMIT ?`,
    [COLORS, SPECS, skus],
  );
  log(`  ${skus} SKUs in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  started = Date.now();
  // The listing trigger computes each row's keys with catalogue_search_keys() after a lookup
  // of its SKU; for a bulk load of rows whose SKUs were just written, the same function is
  // applied set-wise with triggers off (two halves at once, one per core).
  await Promise.all(
    [0, 1].map((half) =>
      db.transaction(async (trx) => {
        await trx.raw(`SET LOCAL session_replication_role = replica`);
        await trx.raw(
          `INSERT INTO catalogue_listings (sku_id, spu_id, category_id, category_path, brand_id, variant_key, sales_attributes,
                                           title, attributes, search_text, grams, attr_pairs, price, available, sold)
           SELECT k.sku_id, k.spu_id, cs.category_id, c.path, cs.brand_id,
                  jsonb_build_array(jsonb_build_array('color', k.attributes->'color'), jsonb_build_array('spec', k.attributes->'spec'))::text,
                  jsonb_build_object('color', k.attributes->'color', 'spec', k.attributes->'spec'),
                  k.title, k.attributes, keys.search_text, keys.grams, keys.attr_pairs, k.price, k.stock - k.reserved, k.sold
           FROM skus k JOIN catalogue_spus cs ON cs.spu_id = k.spu_id JOIN catalogue_categories c ON c.category_id = cs.category_id
           JOIN catalogue_brands b ON b.brand_id = cs.brand_id
           CROSS JOIN LATERAL catalogue_search_keys(k.title, k.attributes, b.name,
             (SELECT string_agg(name, ' ') FROM catalogue_categories WHERE category_id = ANY(c.path))) keys
           WHERE (hashtext(k.sku_id) & 1) = ?`,
          [half],
        );
      }),
    ),
  );
  log(`  listings (search keys by catalogue_search_keys) in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  started = Date.now();
  await db.raw(`SET maintenance_work_mem = '512MB'`);
  for (const i of indexes) await db.raw(i.indexdef);
  await db.raw('VACUUM ANALYZE catalogue_listings');
  await db.raw('ANALYZE');
  log(`  indexes rebuilt and analysed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
