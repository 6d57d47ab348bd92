import { extensionPoint } from '../../platform/registry/extension-point';

/** What the platform sends buyers by SMS. */
export type SmsTemplate = 'verification-code' | 'no-account' | 'already-registered';

export interface SmsMessage {
  phone: string;
  template: SmsTemplate;
  params: Record<string, string>;
  /** The text as the buyer reads it. */
  text: string;
}

/**
 * The SMS gateway buyers' codes go out through. A real provider's integration implements
 * it at `{ bizId: 'buyers' }` (an EXTENSION_MODULES class); the simulated gateway at the
 * default coordinate answers otherwise. Resolved for SMS_IDENTITY / SMS_USE_CASE.
 */
export interface SmsGatewayExtPt {
  send(message: SmsMessage): Promise<{ messageId: string }>;
}
export const SmsGatewayExtPt = extensionPoint<SmsGatewayExtPt>('SmsGatewayExtPt');

export const SMS_IDENTITY = { bizId: 'buyers', scenario: '#default' } as const;
export const SMS_USE_CASE = 'buyer.notify';
