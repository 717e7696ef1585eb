/**
 * What every report panel does with its one question: fetch the answer to the
 * latest asking (an earlier answer arriving late is dropped, not aborted: an
 * aborted fetch reads as a failed request), and download its CSV with a toast.
 */
import { ref, shallowRef, type ShallowRef } from 'vue';
import { toast } from '../shared/toast.ts';

export function useReportLoad<T>(fetchReport: () => Promise<T>, fetchCsv: () => Promise<string>) {
  const body: ShallowRef<T | null> = shallowRef(null);
  const error = ref('');
  const loading = ref(false);
  const downloading = ref(false);
  let asked = 0;

  async function load() {
    const mine = ++asked;
    loading.value = true;
    try {
      const answer = await fetchReport();
      if (mine !== asked) return;
      body.value = answer;
      error.value = '';
    } catch (err) {
      if (mine === asked) error.value = (err as Error).message;
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  async function download() {
    downloading.value = true;
    try {
      toast.ok(`已下载 ${await fetchCsv()}`);
    } catch (err) {
      toast.fail((err as Error).message);
    } finally {
      downloading.value = false;
    }
  }

  return { body, error, loading, load, downloading, download };
}
