/** Time on the desks is always Beijing time, whatever the workstation's zone. */
const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(value: string | Date): Record<string, string> {
  return Object.fromEntries(beijing.formatToParts(new Date(value)).map((p) => [p.type, p.value]));
}

/** 2026-11-24 10:05 */
export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const p = parts(value);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** 10:05 */
export function formatClock(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const p = parts(value);
  return `${p.hour}:${p.minute}`;
}
