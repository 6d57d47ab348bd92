import type { BizIdentity } from '../domain/identity';
import type { BizConfig } from '../domain/flow';
import { businessRule } from '../errors/app-error';
import type { IdentitiesFile, IdentityRule, LineCatalogue } from '../config/schemas';

/** The three dimensions an identity is resolved from. */
export interface IdentityFacts {
  person: Record<string, unknown>;
  goods: { productTypes: string[] };
  scene: { channel?: string; storeId?: string; campaignId?: string };
}

/**
 * Resolves the business identity from ordered rules in config/identities.yaml and
 * answers each identity's configuration (defaults ← line ← scenario).
 */
export class IdentityResolver {
  constructor(private readonly file: IdentitiesFile) {}

  resolve(facts: IdentityFacts): BizIdentity & { rule: string } {
    const rule = this.file.rules.find((r) => matches(r, facts));
    if (!rule) {
      const types = [...new Set(facts.goods.productTypes)].join(', ');
      throw businessRule('NO_BUSINESS_IDENTITY', `no business line takes an order of these goods (${types}) in this scene`);
    }
    return { bizId: rule.identity.bizId, scenario: rule.identity.scenario, rule: rule.name };
  }

  /** The resolution rules in the order they are tried (the first match wins). */
  rules(): readonly IdentityRule[] {
    return this.file.rules;
  }

  configOf(identity: BizIdentity): BizConfig {
    const line = this.file.lines[identity.bizId];
    return { ...this.file.defaults, ...(line?.config ?? {}), ...(line?.scenarios?.[identity.scenario] ?? {}) } as BizConfig;
  }

  /** Every configured identity (line × scenario) with its effective configuration. */
  all(): (BizIdentity & { description?: string; config: BizConfig })[] {
    return Object.entries(this.file.lines).flatMap(([bizId, line]) =>
      Object.keys(line.scenarios).map((scenario) => ({
        bizId,
        scenario,
        description: line.description,
        config: this.configOf({ bizId, scenario }),
      })),
    );
  }

  /** A line's catalogue settings; undefined for a line that is not configured. */
  catalogueOf(bizId: string): LineCatalogue | undefined {
    return Object.hasOwn(this.file.lines, bizId) ? this.file.lines[bizId].catalogue : undefined;
  }

  has(identity: BizIdentity): boolean {
    return Boolean(this.file.lines[identity.bizId]?.scenarios[identity.scenario]);
  }
}

function matches(rule: IdentityRule, facts: IdentityFacts): boolean {
  const { person, goods, scene } = rule.when;
  if (person && !Object.entries(person).every(([k, v]) => facts.person[k] === v)) return false;
  if (goods && (facts.goods.productTypes.length === 0 || !facts.goods.productTypes.every((t) => goods.productType.includes(t)))) return false;
  if (scene) {
    if (scene.channel && !(facts.scene.channel && scene.channel.includes(facts.scene.channel))) return false;
    if (scene.storeId && (scene.storeId === 'present') !== Boolean(facts.scene.storeId)) return false;
    if (scene.campaign && (scene.campaign === 'present') !== Boolean(facts.scene.campaignId)) return false;
  }
  return true;
}
