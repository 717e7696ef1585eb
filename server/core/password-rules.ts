/**
 * What an admin may set as a password (pure). Length is counted in characters as
 * people see them (code points), so ten Chinese characters are ten.
 */
import { DomainError } from './errors.ts';

export const MIN_PASSWORD_LENGTH = 10;

/** Throws a 422 naming `password` when the password breaks a rule. */
export function checkPassword(password: string, username: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('PASSWORD_TOO_SHORT', `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`, { field: 'password' });
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new DomainError('PASSWORD_HAS_USERNAME', '密码不能是用户名，也不能包含用户名', { field: 'password' });
  }
}
