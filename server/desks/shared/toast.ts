/** Short confirmations, bottom right: the top of the screen holds the notice the operator is reading out. */
import { ElMessage } from 'element-plus';

const show = (type: 'success' | 'warning' | 'error', message: string, duration: number) =>
  ElMessage({ type, message, duration, placement: 'bottom-right', grouping: true });

export const toast = {
  ok: (message: string) => show('success', message, 2000),
  warn: (message: string) => show('warning', message, 3000),
  fail: (message: string) => show('error', message, 4000),
};
