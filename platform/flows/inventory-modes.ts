import { ConfigError, displayPath } from '../config/load-yaml';
import { USE_CASES } from '../domain/identity';
import type { IdentityResolver } from '../identity/identity-resolver';
import type { FlowResolver } from './flow-resolver';

/**
 * Start-up check that each identity's flows can carry out its inventory mode (a
 * setting in identities.yaml) — the extension reads the mode, but only the flow can
 * put the stock step where the mode needs it:
 * - none: no inventory step at all (the line sells no stock of ours);
 * - deduct-at-payment: order.pay takes the stock with inventory.deduct before order.markPaid;
 * - any other mode: no inventory.deduct (it would take the stock a second time).
 */
export function checkInventoryModes(identities: IdentityResolver, flows: FlowResolver, identitiesFile: string): void {
  const file = displayPath(flows.file);
  for (const identity of identities.all()) {
    const mode = identity.config.inventoryMode;
    const where = `${identity.bizId}/${identity.scenario} has inventoryMode ${mode} (${displayPath(identitiesFile)})`;
    for (const useCase of USE_CASES) {
      const found = flows.lookup(identity, useCase);
      (found?.steps ?? []).forEach((step, i) => {
        const key = `${found!.key}[${i}]`;
        if (mode === 'none' && [step.ability, step.undo?.ability].some((a) => a?.startsWith('inventory.'))) {
          throw new ConfigError(file, key, `"${step.ability}" handles stock, but ${where}: its flows take no inventory step`);
        }
        if (mode !== 'deduct-at-payment' && step.ability === 'inventory.deduct') {
          throw new ConfigError(file, key, `"inventory.deduct" takes stock at payment, but ${where}; use inventoryMode deduct-at-payment or remove the step`);
        }
      });
    }
    if (mode === 'deduct-at-payment') {
      const pay = flows.lookup(identity, 'order.pay');
      const abilities = (pay?.steps ?? []).map((s) => s.ability);
      const deductAt = abilities.indexOf('inventory.deduct');
      const markPaidAt = abilities.indexOf('order.markPaid');
      if (deductAt < 0 || (markPaidAt >= 0 && deductAt > markPaidAt)) {
        throw new ConfigError(file, pay?.key ?? `${identity.bizId}.${identity.scenario}.order.pay`, `${where}: its order.pay flow needs inventory.deduct before order.markPaid`);
      }
    }
  }
}
