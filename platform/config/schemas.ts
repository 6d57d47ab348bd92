import { z } from 'zod';
import { USE_CASES } from '../domain/identity';

/** Schemas for the files in config/. Strict: an unknown key is a typo, and a typo must stop start-up. */
export const bizConfigSchema = z.strictObject({
  payWindowSeconds: z.number().int().positive(),
  // reserve: held at order until paid or the payment window ends; deduct-at-order: taken
  // at order, given back on close/cancel; deduct-at-payment: taken by the payment; none:
  // the line sells no stock of ours (travel: the supplier holds it).
  inventoryMode: z.enum(['deduct-at-order', 'deduct-at-payment', 'reserve', 'none']),
  idCardRequired: z.boolean(),
  couponsAllowed: z.boolean(),
  paymentMethods: z.array(z.enum(['balance', 'channel', 'points'])).min(1),
  autoReceiptDays: z.number().min(0),
  /** Days after completion during which a refund may still be requested (returns); 0 = none. */
  afterSaleDays: z.number().min(0),
  leadPushOnPayment: z.boolean(),
  /** Share of the price paid online (new cars: the deposit); 1 = in full. */
  depositRatio: z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1 (the full price)'),
  /** Most units of one SKU a buyer may hold in live orders of this identity (flash sales); absent = no limit. */
  perUserLimit: z.number().int().positive().optional(),
  /** Days a buyer has, from a refund's approval, to send its goods back; a return that never arrives is then closed. */
  returnDays: z.number().gt(0),
  /** Whether shipped units may be refunded without their goods coming back (`returnGoods: false`). */
  refundWithoutReturn: z.boolean(),
  /** The balance payment (尾款) of a deposit line: none (settled elsewhere), at-delivery, by-deadline. */
  balanceDue: z.enum(['none', 'at-delivery', 'by-deadline']),
  /** by-deadline: days after the deposit's payment within which the balance is due. */
  balanceDueDays: z.number().gt(0),
  /** by-deadline: the deposit when the balance is not paid in time (the order is cancelled either way). */
  depositOnLapse: z.enum(['forfeit', 'refund']),
});
const partialBizConfig = bizConfigSchema.partial();

/**
 * How a line's products are created: `sku-first` (marketplace style: the SKUs are sent and
 * their SPU is made with them) or `spu-first` (a data team maintains SPUs; SKUs are then
 * made on an existing SPU with their sales attributes only). Per line, not per scenario:
 * a product belongs to a line, whatever the scene it is sold in.
 */
export const lineCatalogueSchema = z.strictObject({
  creationMode: z.enum(['sku-first', 'spu-first']).default('sku-first'),
});
export type LineCatalogue = z.infer<typeof lineCatalogueSchema>;

const stringList = z.array(z.string().min(1)).min(1);

export const ruleSchema = z.strictObject({
  name: z.string().min(1),
  when: z.strictObject({
    person: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).optional(),
    goods: z.strictObject({ productType: stringList }).optional(),
    scene: z
      .strictObject({ channel: stringList.optional(), storeId: z.enum(['present', 'absent']).optional(), campaign: z.enum(['present', 'absent']).optional() })
      .optional(),
  }),
  identity: z.strictObject({ bizId: z.string().min(1), scenario: z.string().min(1).default('default') }),
});

export const identitiesFileSchema = z.strictObject({
  defaults: bizConfigSchema,
  lines: z.record(
    z.string().min(1),
    z.strictObject({
      description: z.string().optional(),
      config: partialBizConfig.default({}),
      scenarios: z.record(z.string().min(1), partialBizConfig.nullable().transform((v) => v ?? {})).default({ default: {} }),
      catalogue: lineCatalogueSchema.default({ creationMode: 'sku-first' }),
    }),
  ),
  rules: z.array(ruleSchema).min(1),
});
export type IdentitiesFile = z.infer<typeof identitiesFileSchema>;
export type IdentityRule = z.infer<typeof ruleSchema>;

// A step is an ability id; its undo comes from the ability's definition (extension-points/), never from here.
const flowStepSchema = z.string({ error: 'a flow step is an ability id (its undo comes from the ability\'s definition)' }).min(1);
const useCaseFlows = z.strictObject(Object.fromEntries(USE_CASES.map((u) => [u, z.array(flowStepSchema).optional()])) as Record<(typeof USE_CASES)[number], z.ZodOptional<z.ZodArray<typeof flowStepSchema>>>);

/** bizId → scenario → useCase → steps */
export const flowsFileSchema = z.record(z.string().min(1), z.record(z.string().min(1), useCaseFlows));
export type FlowsFile = z.infer<typeof flowsFileSchema>;

export const apiKeysFileSchema = z.strictObject({
  keys: z.array(
    z.strictObject({
      id: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 digest'),
      role: z.enum(['operator', 'business']),
      bizIds: z.array(z.string().min(1)).optional(),
    }),
  ),
});
export type ApiKeysFile = z.infer<typeof apiKeysFileSchema>;
