import { z } from 'zod';
import { USE_CASES } from '../domain/identity';

/** Schemas for the files in config/. Strict: an unknown key is a typo, and a typo must stop start-up. */
export const bizConfigSchema = z.strictObject({
  payWindowSeconds: z.number().int().positive(),
  inventoryMode: z.enum(['deduct-at-order', 'deduct-at-payment', 'reserve']),
  idCardRequired: z.boolean(),
  couponsAllowed: z.boolean(),
  paymentMethods: z.array(z.enum(['balance', 'channel', 'points'])).min(1),
  autoReceiptDays: z.number().min(0),
  leadPushOnPayment: z.boolean(),
});
const partialBizConfig = bizConfigSchema.partial();

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
    }),
  ),
  rules: z.array(ruleSchema).min(1),
});
export type IdentitiesFile = z.infer<typeof identitiesFileSchema>;
export type IdentityRule = z.infer<typeof ruleSchema>;

const flowStepSchema = z.union([
  z.string().min(1).transform((ability): { ability: string; compensation?: string } => ({ ability })),
  z.strictObject({ ability: z.string().min(1), compensation: z.string().min(1).optional() }),
]);
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
