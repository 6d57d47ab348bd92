import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `fetcher` whenever one of `deps` changes; `reload()` fetches again. A reload keeps the
 * figures on screen until the fresh ones arrive; a change of `deps` drops them at once, so the
 * page never shows one filter's numbers under another's heading.
 */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const key = JSON.stringify(deps);
    const sameQuery = shown.current === key;
    shown.current = key;
    setState((s) => (sameQuery ? { ...s, loading: true } : { loading: true }));
    fetcher().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** The hash route: `#/orders/ord-1?status=PAID` → path ['orders', 'ord-1'] and its query. */
export function useRoute() {
  const read = () => {
    const [p, q] = location.hash.replace(/^#\/?/, '').split('?');
    return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: Object.fromEntries(new URLSearchParams(q ?? '')) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]).toString();
  location.hash = `#/${path}${q ? `?${q}` : ''}`;
}
