/**
 * A new password made in the browser for a new account or a reset: shown to the
 * admin once, to hand over; never stored on the page. No look-alike characters
 * (0/O, 1/l/I), since it is read out or copied by hand.
 */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newPassword(length = 14): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}
