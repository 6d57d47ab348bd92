import { inject } from 'inversify';
import type { Db } from '../../platform/db/knex';
import { TYPES } from '../../platform/db/tokens';
import { Extension } from '../../platform/registry/extension-decorator';
import { SmsGatewayExtPt, type SmsMessage } from './sms-gateway.ext-pt';

/**
 * Stands in for an SMS provider: records each message it would send in
 * simulated_sms_messages (shared by every server process), where development tools and
 * tests read the codes.
 */
@Extension(SmsGatewayExtPt)
export class SimulatedSmsGatewayExt implements SmsGatewayExtPt {
  constructor(@inject(TYPES.Db) private readonly db: Db) {}

  async send(message: SmsMessage): Promise<{ messageId: string }> {
    const [row] = await this.db('simulated_sms_messages')
      .insert({ phone: message.phone, template: message.template, params: message.params, text: message.text })
      .returning('message_id');
    return { messageId: `sim-${row.message_id}` };
  }
}
