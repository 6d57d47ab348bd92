import { closeDatabase, database, uid } from '../support/api';
import { fenced, FenceViolation, fenceStatus, type TccPhase } from '../../platform/tcc/fence';

afterAll(closeDatabase);

/**
 * The fence against the real PostgreSQL. The "business change" of each phase appends
 * an outbox row, so counting rows shows exactly which phases took effect.
 */
async function runPhase(xid: string, phase: TccPhase) {
  return database().transaction((trx) =>
    fenced(trx, { xid, branch: 'test' }, phase, `test.${phase}`, async () => {
      await trx('outbox').insert({ aggregate_type: 'fence-test', aggregate_id: xid, event_type: phase, payload: {} });
    }),
  );
}
const effects = async (xid: string) => (await database()('outbox').where({ aggregate_type: 'fence-test', aggregate_id: xid }).orderBy('id')).map((r: any) => r.event_type);
const status = (xid: string) => database().transaction((trx) => fenceStatus(trx, { xid, branch: 'test' }));

describe('TCC fence', () => {
  it('try, confirm and cancel are idempotent', async () => {
    const xid = uid('x');
    expect(await runPhase(xid, 'try')).toEqual({ applied: true });
    expect(await runPhase(xid, 'try')).toEqual({ applied: false, reason: 'DUPLICATE' });
    expect(await runPhase(xid, 'confirm')).toEqual({ applied: true });
    expect(await runPhase(xid, 'confirm')).toEqual({ applied: false, reason: 'DUPLICATE' });
    expect(await effects(xid)).toEqual(['try', 'confirm']);
    expect(await status(xid)).toBe('COMMITTED');

    const other = uid('x');
    await runPhase(other, 'try');
    expect(await runPhase(other, 'cancel')).toEqual({ applied: true });
    expect(await runPhase(other, 'cancel')).toEqual({ applied: false, reason: 'DUPLICATE' });
    expect(await effects(other)).toEqual(['try', 'cancel']);
  });

  it('empty rollback: a cancel before its try records SUSPENDED and succeeds', async () => {
    const xid = uid('x');
    expect(await runPhase(xid, 'cancel')).toEqual({ applied: false, reason: 'EMPTY_ROLLBACK' });
    expect(await status(xid)).toBe('SUSPENDED');
    expect(await effects(xid)).toEqual([]);
  });

  it('anti-hanging: a try after its cancel is refused and changes nothing', async () => {
    const xid = uid('x');
    await runPhase(xid, 'cancel');
    expect(await runPhase(xid, 'try')).toEqual({ applied: false, reason: 'HANGING_TRY_REFUSED' });
    expect(await effects(xid)).toEqual([]);
    await expect(runPhase(xid, 'confirm')).rejects.toBeInstanceOf(FenceViolation);
  });

  it('refuses a confirm without a try and a cancel after a confirm', async () => {
    await expect(runPhase(uid('x'), 'confirm')).rejects.toBeInstanceOf(FenceViolation);
    const xid = uid('x');
    await runPhase(xid, 'try');
    await runPhase(xid, 'confirm');
    await expect(runPhase(xid, 'cancel')).rejects.toBeInstanceOf(FenceViolation);
    expect(await effects(xid)).toEqual(['try', 'confirm']);
  });

  const orders: TccPhase[][] = [
    ['try', 'confirm', 'cancel'],
    ['try', 'cancel', 'confirm'],
    ['confirm', 'try', 'cancel'],
    ['confirm', 'cancel', 'try'],
    ['cancel', 'try', 'confirm'],
    ['cancel', 'confirm', 'try'],
  ];

  /** Whatever the order, the effects are one of the consistent histories and match the final status. */
  function assertConsistent(applied: string[], final: string | undefined) {
    const consistent: Record<string, string[]> = {
      COMMITTED: ['try', 'confirm'],
      ROLLED_BACK: ['try', 'cancel'],
      SUSPENDED: [],
      TRIED: ['try'],
    };
    expect(consistent[final!]).toBeDefined();
    expect(applied).toEqual(consistent[final!]);
  }

  it.each(orders)('in sequence %s → %s → %s stays consistent', async (...phases) => {
    const xid = uid('x');
    for (const phase of phases) await runPhase(xid, phase).catch((e) => expect(e).toBeInstanceOf(FenceViolation));
    assertConsistent(await effects(xid), await status(xid));
  });

  it('fired concurrently, 20 times over, every outcome is consistent', async () => {
    for (let i = 0; i < 20; i++) {
      const xid = uid('x');
      const phases = orders[i % orders.length];
      await Promise.all(phases.map((p) => runPhase(xid, p).catch((e) => expect(e).toBeInstanceOf(FenceViolation))));
      assertConsistent(await effects(xid), await status(xid));
    }
  });
});
