/** Beijing days as YYYY-MM-DD, whatever the workstation's zone (reports count Beijing days). */
const BEIJING_MS = 8 * 3600_000;
export const beijingToday = () => new Date(Date.now() + BEIJING_MS).toISOString().slice(0, 10);
export const shiftDay = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
