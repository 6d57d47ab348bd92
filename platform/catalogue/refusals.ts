import { AppError, businessRule, type ErrorDetail } from '../errors/app-error';

/** The catalogue's refusals, each a contract error a client can act on. */
export const unknownReference = (field: string, what: string) =>
  businessRule('UNKNOWN_REFERENCE', `${what} does not exist`, [{ field, message: `${what} does not exist` }]);

export const attributesInvalid = (details: ErrorDetail[]) =>
  businessRule('ATTRIBUTES_INVALID', "the attributes do not fit the category's template", details);

export const templateInvalid = (details: ErrorDetail[]) => businessRule('TEMPLATE_INVALID', 'the attribute template is not valid', details);

export const conflict = (message: string, details: ErrorDetail[] = []) => new AppError(409, 'INVALID_STATE', message, details);

export const creationModeRefused = (bizId: string, mode: string, hint: string) =>
  businessRule('CREATION_MODE', `business line ${bizId} creates products ${mode}: ${hint}`, [{ field: 'bizId', message: `creationMode is ${mode}` }]);

export const duplicateVariant = (skuId: string, other: string) =>
  businessRule('DUPLICATE_VARIANT', `SKU ${skuId} has the same sales attributes as SKU ${other} of this SPU`, [{ field: 'salesAttributes', message: `same as ${other}` }]);

export function isUniqueViolation(err: unknown, constraint?: string) {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}
