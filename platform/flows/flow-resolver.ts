import path from 'node:path';
import { DEFAULT, type BizIdentity, type UseCase, USE_CASES } from '../domain/identity';
import type { FlowStep, Flows } from '../domain/flow';
import { ConfigError, displayPath } from '../config/load-yaml';
import type { FlowsFile } from '../config/schemas';
import { ABILITY_BY_ID } from './catalog';

/** Resolves flows with the same fallback as extensions: bizId.scenario → bizId.#default → #default.#default. */
export class FlowResolver {
  constructor(private readonly flows: FlowsFile, readonly file: string) {}

  resolve(identity: BizIdentity, useCase: UseCase): FlowStep[] {
    const found = this.lookup(identity, useCase);
    if (!found) throw new ConfigError(displayPath(this.file), `${identity.bizId}.${identity.scenario}.${useCase}`, 'no flow configured, not even under "#default"');
    return found.steps;
  }

  /** Where a flow comes from, for the capability map. */
  lookup(identity: BizIdentity, useCase: UseCase): { key: string; steps: FlowStep[] } | undefined {
    const candidates: [string, string][] = [
      [identity.bizId, identity.scenario],
      [identity.bizId, DEFAULT],
      [DEFAULT, DEFAULT],
    ];
    for (const [biz, scenario] of candidates) {
      const steps = this.flows[biz]?.[scenario]?.[useCase];
      if (steps) return { key: `${biz}.${scenario}.${useCase}`, steps };
    }
    return undefined;
  }

  resolveAll(identity: BizIdentity): Flows {
    return Object.fromEntries(USE_CASES.map((u) => [u, this.resolve(identity, u)])) as Flows;
  }

  /**
   * Start-up check: every ability exists, and a step whose ability has a compensation
   * names exactly that compensation (unless it is the flow's last step, which nothing
   * can fail after).
   */
  validate(): void {
    const file = displayPath(this.file);
    for (const [biz, scenarios] of Object.entries(this.flows)) {
      for (const [scenario, useCases] of Object.entries(scenarios)) {
        for (const [useCase, steps] of Object.entries(useCases)) {
          (steps ?? []).forEach((step, i) => {
            const key = `${biz}.${scenario}.${useCase}[${i}]`;
            const spec = ABILITY_BY_ID.get(step.ability);
            if (!spec) throw new ConfigError(file, key, `unknown ability "${step.ability}"`);
            if (step.compensation && !ABILITY_BY_ID.has(step.compensation)) {
              throw new ConfigError(file, key, `unknown compensation "${step.compensation}"`);
            }
            const isLast = i === (steps ?? []).length - 1;
            if (spec.compensation && !isLast && step.compensation !== spec.compensation) {
              throw new ConfigError(file, key, `ability "${step.ability}" changes state and needs its compensation "${spec.compensation}"`);
            }
          });
        }
      }
    }
    if (!this.flows[DEFAULT]?.[DEFAULT]) throw new ConfigError(file, '"#default"."#default"', 'the default flows are missing');
  }

  static fileName(dir: string) {
    return path.join(dir, 'flows.yaml');
  }
}
