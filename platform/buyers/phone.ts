import { z } from 'zod';

/**
 * A mainland China mobile number, stored as its 11 digits: "+86 138-0013-8000",
 * "86 13800138000" and "13800138000" are one phone.
 */
export const phoneNumber = z
  .string()
  .max(32)
  .transform((raw) => raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, ''))
  .refine((p) => /^1[3-9]\d{9}$/.test(p), 'a mainland China mobile number (11 digits starting 13–19)');

/** Shown back to its owner without repeating the whole number. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}
