import { channelAccountId, ensureAccount, post } from '../../platform/repositories/accounts';
import { database, uid } from './api';

/**
 * Money reaching a buyer's balance from the payment channel (a top-up), posted as the
 * ledger records one: the platform has no top-up route, and a registered buyer starts at 0.
 */
export async function topUp(userId: string, amount: number) {
  await database().transaction(async (trx) => {
    await ensureAccount(trx, channelAccountId(), 'external');
    await post(trx, uid('topup'), 'TOP_UP', { type: 'user', id: userId }, [{ accountId: channelAccountId(), balance: -amount }, { accountId: userId, balance: amount }]);
  });
}
