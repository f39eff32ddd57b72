// A client-only app: the shell is prerendered, everything else runs in the browser.
export const prerender = true;
export const ssr = false;
