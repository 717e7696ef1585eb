// Where the login page may send the user afterwards (?next=). Plain ES module, no DOM.

/**
 * `next` as the browser will resolve it, if that is a page of `origin`: its path,
 * query and fragment; otherwise null. Checking the text instead ("starts with one
 * slash") is not enough: browsers read `/\evil.example` as `//evil.example`, and
 * drop tabs and newlines, so `/<TAB>/evil.example` is another host too.
 */
export function sameOriginPath(next, origin) {
  if (typeof next !== 'string' || next === '') return null;
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  return url.origin === origin ? url.pathname + url.search + url.hash : null;
}
