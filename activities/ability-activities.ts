import { ApplicationFailure } from '@temporalio/activity';
import type { AbilityInput, AbilityResult } from '../platform/domain/flow';
import { AppError } from '../platform/errors/app-error';
import { NO_FAULTS, type FaultInjector } from '../platform/faults';
import { ABILITIES } from '../platform/flows/catalog';
import { ExtensionNotFoundError, type ExtensionRegistry } from '../platform/registry/extension-registry';
import { FenceViolation } from '../platform/tcc/fence';
import { STEPS } from './steps';

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
  const byId = new Map(STEPS.map((s) => [s.id, s]));
  for (const spec of ABILITIES) {
    const def = byId.get(spec.id);
    if (!def) throw new Error(`ability ${spec.id} (platform/flows/catalog.ts) has no step in activities/steps`);
    if (def.extPt.name !== spec.extPt) throw new Error(`ability ${spec.id} calls ${def.extPt.name} but the catalog says ${spec.extPt}`);
  }
  return Object.fromEntries(
    STEPS.map((def) => [
      def.id,
      async (input: AbilityInput): Promise<AbilityResult> => {
        try {
          const ext = registry.resolve<Record<string, (i: AbilityInput) => Promise<{ output?: Record<string, unknown>; detail?: string }>>>(def.extPt as never, input.identity, input.useCase);
          const outcome = await faults.around(`activity ${def.id}`, () => ext.impl[def.method](input));
          return { extension: ext.name, output: outcome.output, detail: outcome.detail, useCase: input.useCase, phase: input.phase };
        } catch (err) {
          throw toFailure(err);
        }
      },
    ]),
  );
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
