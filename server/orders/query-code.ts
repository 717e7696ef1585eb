/**
 * 查询码: the secret that, with the order number, opens the tracking page and the
 * rating. The one-time notice gives it once; only its SHA-256 is stored, so nobody,
 * staff included, can read it back or give it again.
 *
 * Eight characters from 31 that cannot be mistaken for one another when read out on
 * the phone or copied by hand (no 0/O, no 1/I/L): about 8.5 × 10^11 codes. With five
 * tries per order number before a lock (routes/public.ts), guessing finds none.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 8;
/** What a citizen may type: the alphabet, in either case. */
export const QUERY_CODE_PATTERN = `^[2-9A-HJKMNP-Za-hjkmnp-z]{${QUERY_CODE_LENGTH}}$`;

export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) code += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return code;
}

/** The stored form. Upper-cased first: a code typed in lower case is the same code. */
export const hashQueryCode = (code: string): string => createHash('sha256').update(code.toUpperCase()).digest('hex');

/** Whether `code` is the one behind `stored`; an order without a code (null) opens with none. */
export function opensWith(stored: string | null, code: string): boolean {
  if (!stored) return false;
  const given = Buffer.from(hashQueryCode(code), 'hex');
  const kept = Buffer.from(stored, 'hex');
  return kept.length === given.length && timingSafeEqual(kept, given);
}
