import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const run = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/capabilities.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONFIG_OVERLAY: '' } });

describe('npm run capabilities', () => {
  it('prints, per identity and use case, each step and the extension class it resolves to', () => {
    const out = run('new-car', 'travel-flight');
    expect(out).toContain('new-car / default');
    expect(out).toMatch(/order\.validate\s+→ NewCarOrderCheckExt\s+OrderCheckExtPt @ new-car\.#default\.#default/);
    expect(out).toMatch(/fulfilment\.record\s+→ StoreDeliveryExt/);
    expect(out).toMatch(/supplier\.book\s+→ FlightSupplierExt\s+SupplierExtPt @ travel-flight\.#default\.#default\s+undo: supplier\.cancelBooking → FlightSupplierExt/);
    expect(out).not.toContain('retail / default');
  });

  it('answers the same map as GET /v1/capabilities with --json', () => {
    const map = JSON.parse(run('--json')).capabilities;
    const pay = map.find((c: any) => c.bizId === 'points-mall').useCases.find((u: any) => u.useCase === 'order.pay');
    expect(pay.flow).toBe('points-mall.#default.order.pay');
    expect(pay.steps[0]).toMatchObject({ ability: 'points.deduct', extension: 'WanlitongPointsExt', compensation: { ability: 'points.return' } });
  });
});
