import { ApplicationFailure } from '@temporalio/activity';
import type { AbilityInput, AbilityResult } from '../platform/domain/flow';
import { AppError } from '../platform/errors/app-error';
import { NO_FAULTS, type FaultInjector } from '../platform/faults';
import { ABILITIES, type Ability } from '../abilities';
import type { StepOutcome } from '../extension-points';
import { ExtensionNotFoundError, type ExtensionRegistry } from '../platform/registry/extension-registry';
import { FenceViolation } from '../platform/tcc/fence';
import { abilityRuns } from '../platform/metrics/instruments';

export type AbilityActivity = (input: AbilityInput) => Promise<AbilityResult>;

/**
 * One activity per ability, named by the ability id so Temporal's history reads like
 * the flow. Each resolves the extension for the order's identity and use case, calls
 * it, and reports which class ran. Business refusals become non-retryable failures
 * carrying the contract's status and code; anything else is retried by Temporal.
 * `faults` (FAULT_RATE, see platform/faults.ts) fails calls transiently around the
 * extension call, on this same path, so tests can prove every retry is harmless.
 */
export function createAbilityActivities(registry: ExtensionRegistry, faults: FaultInjector = NO_FAULTS): Record<string, AbilityActivity> {
  return Object.fromEntries(
    ABILITIES.map((ability) => [
      ability.id,
      async (input: AbilityInput): Promise<AbilityResult> => {
        const counted = (outcome: 'ok' | 'refused' | 'fault') => abilityRuns.inc({ biz_id: input.identity.bizId, ability: ability.id, phase: input.phase, outcome });
        try {
          const { extension, outcome } = await faults.around(`activity ${ability.id}`, () => runAbility(registry, ability, input));
          counted('ok');
          return { extension, output: outcome.output, detail: outcome.detail, useCase: input.useCase, phase: input.phase };
        } catch (err) {
          // A business refusal (an AppError) fails the step for good; anything else is retried.
          counted(err instanceof AppError ? 'refused' : 'fault');
          throw toFailure(err);
        }
      },
    ]),
  );
}

/** Runs an ability for the order's identity and use case: its definition maps the activity input onto the extension point's typed call. */
export async function runAbility(registry: ExtensionRegistry, ability: Ability, input: AbilityInput): Promise<{ extension: string; outcome: StepOutcome }> {
  const ext = registry.resolve(ability.extensionPoint, input.identity, input.useCase);
  const order = { orderId: input.orderId, payOrderId: input.payOrderId, identity: input.identity, config: input.config };
  const outcome = await ability.run(ext.impl, { order, call: { xid: input.xid, ability: ability.id }, args: input.args, ctx: input.ctx });
  return { extension: ext.name, outcome };
}

export function toFailure(err: unknown): unknown {
  if (err instanceof AppError) {
    return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true, details: [{ status: err.status, details: err.details }] });
  }
  if (err instanceof ExtensionNotFoundError || err instanceof FenceViolation) {
    return ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: true, details: [{ status: 500, details: [] }] });
  }
  return err;
}
