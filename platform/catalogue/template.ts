import type { ErrorDetail } from '../errors/app-error';

/**
 * A category's attribute template: which attributes its products carry. Sales attributes
 * (颜色, 内存) tell a product's SKUs apart and every SKU has each one; descriptive ones
 * (材质, 上市年份) describe the SPU as a whole. A category inherits its ancestors' entries.
 */
export type AttributeKind = 'sales' | 'descriptive';
export type AttributeType = 'enum' | 'text' | 'number' | 'boolean';
export type AttributeValue = string | number | boolean;

export interface AttributeDef {
  key: string;
  name: string;
  kind: AttributeKind;
  type: AttributeType;
  /** The allowed values of an enum. */
  values?: string[];
  /** Descriptive attributes may be optional; sales attributes are always required. */
  required: boolean;
}

export type Template = AttributeDef[];

/** Ancestors' entries first; a key is defined once along a path (checked on write). */
export function effectiveTemplate(ownTemplatesRootFirst: Template[]): Template {
  return ownTemplatesRootFirst.flat();
}

/** Keys that a category would define twice: its own entries clashing among themselves or with its ancestors'. */
export function duplicateKeys(inherited: Template, own: Template): string[] {
  const seen = new Set(inherited.map((a) => a.key));
  const dupes = new Set<string>();
  for (const a of own) {
    if (seen.has(a.key)) dupes.add(a.key);
    seen.add(a.key);
  }
  return [...dupes];
}

/**
 * What a template change would break for the products already in the category's subtree:
 * an entry removed or changed in kind or type, an enum value withdrawn, or a new entry that
 * existing products lack (a sales attribute, or a required descriptive one).
 */
export function incompatibleChanges(before: Template, after: Template): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const next = new Map(after.map((a) => [a.key, a]));
  const prev = new Map(before.map((a) => [a.key, a]));
  for (const old of before) {
    const now = next.get(old.key);
    if (!now) problems.push({ field: `attributes.${old.key}`, message: 'products use this attribute; it cannot be removed' });
    else if (now.kind !== old.kind || now.type !== old.type) problems.push({ field: `attributes.${old.key}`, message: 'products use this attribute; its kind and type cannot change' });
    else if (old.type === 'enum') {
      const withdrawn = (old.values ?? []).filter((v) => !(now.values ?? []).includes(v));
      if (withdrawn.length) problems.push({ field: `attributes.${old.key}.values`, message: `products may use ${withdrawn.join(', ')}; values can be added, not withdrawn` });
    } else if (!old.required && now.required) problems.push({ field: `attributes.${old.key}.required`, message: 'products may lack this attribute; it cannot become required' });
  }
  for (const a of after) {
    if (!prev.has(a.key) && (a.kind === 'sales' || a.required)) {
      problems.push({ field: `attributes.${a.key}`, message: 'the category has products: new attributes must be optional descriptive ones' });
    }
  }
  return problems;
}

/** Checks attribute values of one kind against the template; every problem is a detail naming the attribute. */
export function attributeProblems(template: Template, kind: AttributeKind, values: Record<string, AttributeValue>, field: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const defs = new Map(template.filter((a) => a.kind === kind).map((a) => [a.key, a]));
  for (const [key, value] of Object.entries(values)) {
    const def = defs.get(key);
    if (!def) {
      const other = template.find((a) => a.key === key);
      problems.push({ field: `${field}.${key}`, message: other ? `a ${other.kind} attribute of this category, not a ${kind} one` : 'not an attribute of this category' });
      continue;
    }
    const problem = valueProblem(def, value);
    if (problem) problems.push({ field: `${field}.${key}`, message: problem });
  }
  for (const def of defs.values()) {
    if (def.required && !(def.key in values)) problems.push({ field: `${field}.${def.key}`, message: `required (${def.name})` });
  }
  return problems;
}

function valueProblem(def: AttributeDef, value: AttributeValue): string | undefined {
  switch (def.type) {
    case 'enum':
      return typeof value === 'string' && def.values!.includes(value) ? undefined : `must be one of ${def.values!.join(', ')}`;
    case 'text':
      return typeof value === 'string' ? undefined : 'must be text';
    case 'number':
      return typeof value === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
}

/** The sales attributes in the template's order: a SKU's title suffix and its variant key. */
export function orderedSalesValues(template: Template, sales: Record<string, AttributeValue>): AttributeValue[] {
  return template.filter((a) => a.kind === 'sales' && a.key in sales).map((a) => sales[a.key]);
}

export function variantKey(template: Template, sales: Record<string, AttributeValue>): string {
  return JSON.stringify(template.filter((a) => a.kind === 'sales' && a.key in sales).map((a) => [a.key, sales[a.key]]));
}
