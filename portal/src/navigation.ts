// History-based navigation: the address bar is the app's route state. `navigate` pushes and tells
// subscribers; the back button arrives as popstate.
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function navigate(to: string, { replace = false } = {}) {
  if (`${location.pathname}${location.search}` === to) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.scrollTo(0, 0);
  notify();
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, () => `${location.pathname}${location.search}`);
  const url = new URL(href, "http://portal.invalid");
  return { pathname: url.pathname, search: url.searchParams, href };
}
