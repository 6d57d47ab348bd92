/**
 * Stand-ins for the ability activities, for running the real order workflow without
 * PostgreSQL: one activity under each ability id the worker registers (the activity type
 * names), which records every call and answers as the test scripted it — succeed, refuse
 * (a business refusal, as activities/ability-activities.ts turns an AppError into one) or
 * fault (a retryable error, as a dropped connection would be).
 */
import 'reflect-metadata';
import { ApplicationFailure } from '@temporalio/activity';
import { createAbilityActivities } from '../../activities/ability-activities';
import { EXTENSIONS } from '../../extensions';
import type { PlatformConfig } from '../../platform/config/platform-config';
import { buildRegistry } from '../../platform/container';
import { createDb } from '../../platform/db/knex';
import type { AbilityInput, AbilityResult, FlowOutputs } from '../../platform/domain/flow';

export type Outcome = 'ok' | 'fault' | { refuse: number; code: string } | { output: FlowOutputs };
/** Per ability: one outcome for every call, or outcomes in turn (then 'ok'). */
export type Script = Record<string, Outcome | Outcome[]>;

export const refuse = (status: number, code: string): Outcome => ({ refuse: status, code });

export interface Call {
  useCase: string;
  ability: string;
}

/** The ability ids the worker registers activities under (worker.ts builds the same set). */
export function abilityIds(config: PlatformConfig): string[] {
  // The registry is only asked which abilities exist; the database is never connected.
  const db = createDb('postgres://nobody@127.0.0.1:1/none');
  const ids = Object.keys(createAbilityActivities(buildRegistry(db, config, EXTENSIONS)));
  void db.destroy();
  return ids;
}

export class ScriptedAbilities {
  private readonly calls = new Map<string, Call[]>();
  private readonly scripts = new Map<string, Script>();
  private readonly turns = new Map<string, number>();

  /** Scripts the answers for one order (keyed by order id, so concurrent tests do not mix). */
  script(orderId: string, script: Script): void {
    this.scripts.set(orderId, script);
  }

  /** Every ability called for the order, in call order, optionally only those of one use case. */
  callsOf(orderId: string, useCase?: string): string[] {
    return (this.calls.get(orderId) ?? []).filter((c) => !useCase || c.useCase === useCase).map((c) => c.ability);
  }

  /** The activities to register on the worker, one per ability id. */
  activities(ids: readonly string[]): Record<string, (input: AbilityInput) => Promise<AbilityResult>> {
    return Object.fromEntries(ids.map((id) => [id, (input: AbilityInput) => this.run(id, input)]));
  }

  private async run(ability: string, input: AbilityInput): Promise<AbilityResult> {
    const list = this.calls.get(input.orderId) ?? [];
    list.push({ useCase: input.useCase, ability });
    this.calls.set(input.orderId, list);
    const outcome = this.next(input.orderId, ability);
    if (outcome === 'fault') throw new Error(`injected fault in ${ability}`);
    if (typeof outcome === 'object' && 'output' in outcome) return { extension: 'ScriptedAbility', output: outcome.output, useCase: input.useCase, phase: input.phase };
    if (outcome !== 'ok') {
      throw ApplicationFailure.create({ type: outcome.code, message: `${ability} refused`, nonRetryable: true, details: [{ status: outcome.refuse, details: [] }] });
    }
    return { extension: 'ScriptedAbility', output: {}, useCase: input.useCase, phase: input.phase };
  }

  private next(orderId: string, ability: string): Outcome {
    const planned = this.scripts.get(orderId)?.[ability];
    if (planned === undefined) return 'ok';
    if (!Array.isArray(planned)) return planned;
    const key = `${orderId} ${ability}`;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return planned[turn] ?? 'ok';
  }
}
