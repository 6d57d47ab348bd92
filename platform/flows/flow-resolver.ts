import path from 'node:path';
import { ABILITY_BY_ID } from '../../abilities';
import { DEFAULT, type BizIdentity, type UseCase, USE_CASES } from '../domain/identity';
import type { FlowStep, Flows } from '../domain/flow';
import { ConfigError, displayPath } from '../config/load-yaml';
import type { FlowsFile } from '../config/schemas';

/** Resolves flows with the same fallback as extensions: bizId.scenario → bizId.#default → #default.#default. */
export class FlowResolver {
  constructor(private readonly flows: FlowsFile, readonly file: string) {}

  resolve(identity: BizIdentity, useCase: UseCase): FlowStep[] {
    const found = this.lookup(identity, useCase);
    if (!found) throw new ConfigError(displayPath(this.file), `${identity.bizId}.${identity.scenario}.${useCase}`, 'no flow configured, not even under "#default"');
    return found.steps;
  }

  /**
   * Where a flow comes from, and its steps as an order captures them: each ability id
   * with whether it may run locally and its undo, both from the ability's definition.
   */
  lookup(identity: BizIdentity, useCase: UseCase): { key: string; steps: FlowStep[] } | undefined {
    const candidates: [string, string][] = [
      [identity.bizId, identity.scenario],
      [identity.bizId, DEFAULT],
      [DEFAULT, DEFAULT],
    ];
    for (const [biz, scenario] of candidates) {
      const ids = this.flows[biz]?.[scenario]?.[useCase];
      if (ids) {
        const key = `${biz}.${scenario}.${useCase}`;
        return { key, steps: ids.map((id, i) => this.capture(id, `${key}[${i}]`)) };
      }
    }
    return undefined;
  }

  resolveAll(identity: BizIdentity): Flows {
    return Object.fromEntries(USE_CASES.map((u) => [u, this.resolve(identity, u)])) as Flows;
  }

  /** Start-up check: every step names an ability, and the default flows exist. */
  validate(): void {
    for (const [biz, scenarios] of Object.entries(this.flows)) {
      for (const [scenario, useCases] of Object.entries(scenarios)) {
        for (const [useCase, ids] of Object.entries(useCases)) {
          (ids ?? []).forEach((id, i) => this.capture(id, `${biz}.${scenario}.${useCase}[${i}]`));
        }
      }
    }
    if (!this.flows[DEFAULT]?.[DEFAULT]) throw new ConfigError(displayPath(this.file), '"#default"."#default"', 'the default flows are missing');
  }

  private capture(id: string, key: string): FlowStep {
    const ability = ABILITY_BY_ID.get(id);
    if (!ability) throw new ConfigError(displayPath(this.file), key, `unknown ability "${id}"`);
    const step: FlowStep = { ability: id };
    if (ability.local) step.local = true;
    if (ability.undo) {
      const undo = ABILITY_BY_ID.get(ability.undo)!;
      step.undo = undo.local ? { ability: undo.id, local: true } : { ability: undo.id };
    }
    return step;
  }

  static fileName(dir: string) {
    return path.join(dir, 'flows.yaml');
  }
}
