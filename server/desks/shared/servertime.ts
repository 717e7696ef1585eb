/**
 * The service's time in the page, and the one timer every countdown ticks from.
 * Deadlines are the service's instants; a workstation's clock may be minutes off,
 * so the page counts from the service's time: set from an answer's `at`, moved
 * forward by the live feed's events (an event is never later than the service's
 * now), and between them advanced by this page's clock.
 */
import { onBeforeUnmount, ref, type Ref } from 'vue';

const TICK_MS = 1000;
let offsetMs = 0;
const now = ref(Date.now());
let timer: ReturnType<typeof setInterval> | undefined;
let users = 0;

const tick = () => (now.value = Date.now() + offsetMs);

/** The service's time as it answered (an ISO instant from a response's `at`). */
export function syncServerTime(at: string): void {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return;
  offsetMs = t - Date.now();
  tick();
}

/** A moment the service has reached (a live event's `at`): the page's time never stays behind it. */
export function noteServerTime(at: string): void {
  const t = Date.parse(at);
  if (!Number.isNaN(t) && t > Date.now() + offsetMs) syncServerTime(at);
}

/** The service's now in ms, ticking every second while a component uses it (one timer for the whole page). */
export function useServerNow(): Ref<number> {
  if (users++ === 0) {
    tick();
    timer = setInterval(tick, TICK_MS);
  }
  onBeforeUnmount(() => {
    if (--users === 0) clearInterval(timer);
  });
  return now;
}

/** 2天3小时 · 4小时5分 · 12分05秒: coarser as the time grows, seconds only within the hour. */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}天${h}小时`;
  if (h > 0) return `${h}小时${m}分`;
  return `${m}分${String(s % 60).padStart(2, '0')}秒`;
}
