import { ABILITIES, ABILITY_BY_ID, ability, checkAbilityDefinitions } from '../../abilities';
import { InventoryExtPt } from '../../extension-points';
import { loadPlatformConfig } from '../../platform/config/platform-config';

describe('ability definitions', () => {
  it('every undo is a defined ability, and no ability is defined twice', () => {
    expect(() => checkAbilityDefinitions()).not.toThrow();
    expect(new Set(ABILITIES.map((a) => a.id)).size).toBe(ABILITIES.length);
  });

  it('refuses an undo that is not an ability, and an id defined twice', () => {
    const hold = ability({ id: 'inventory.hold', extensionPoint: InventoryExtPt, run: (ext, { order, call }) => ext.reserve(order, call), undo: 'inventory.unhold', description: 'hold' });
    expect(() => checkAbilityDefinitions([...ABILITIES, hold])).toThrow('ability inventory.hold names the undo "inventory.unhold", which is not an ability');
    expect(() => checkAbilityDefinitions([...ABILITIES, ABILITY_BY_ID.get('order.void')!])).toThrow('ability order.void is defined twice');
  });

  it("a flow's steps are captured with their undo and locality from the definitions", () => {
    const config = loadPlatformConfig();
    const steps = (bizId: string, useCase: 'order.create' | 'order.pay') => config.flows.resolve({ bizId, scenario: 'default' }, useCase);
    expect(steps('retail', 'order.create')).toEqual([
      { ability: 'order.validate' },
      { ability: 'order.draft', local: true, undo: { ability: 'order.void', local: true } },
      { ability: 'inventory.reserve', local: true, undo: { ability: 'inventory.release', local: true } },
      { ability: 'coupon.lock', local: true, undo: { ability: 'coupon.unlock', local: true } },
      { ability: 'order.activate', local: true },
    ]);
    // A payment attempt's stock comes back by its own undo, not by the release of the order's hold.
    expect(steps('points-mall', 'order.pay').slice(0, 2)).toEqual([
      { ability: 'points.deduct', local: true, undo: { ability: 'points.return', local: true } },
      { ability: 'inventory.deduct', local: true, undo: { ability: 'inventory.returnDeducted', local: true } },
    ]);
    expect(steps('travel-hotel', 'order.create')[2]).toEqual({ ability: 'supplier.book', undo: { ability: 'supplier.cancelBooking' } });
  });
});
