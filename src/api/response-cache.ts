/**
 * Reuses a read endpoint's response while the store is unchanged, for at most `maxAgeMs` (the
 * threshold decays with the chain's block and "24 h" windows move with the clock). Dashboards poll
 * the same few paths, so under load nearly every request is answered without a query.
 * @module
 */
import type { Store } from "../store/index.js";
import type { ApiResponse } from "./http.js";

/** A response cache keyed by path and query. */
export interface ResponseCache {
  get(key: string): ApiResponse | null;
  set(key: string, response: ApiResponse): void;
}

/**
 * Creates the cache. The store's state is stamped with `PRAGMA data_version` (changes when another
 * connection commits) and `total_changes()` (changes when this connection writes): the validator
 * and the API may share one connection or use two.
 */
export function createResponseCache(store: Store, maxAgeMs = 1000, maxEntries = 256): ResponseCache {
  const entries = new Map<string, { readonly stamp: string; readonly at: number; readonly response: ApiResponse }>();
  const changes = store.db.prepare("SELECT total_changes() AS n");
  const stamp = () => `${store.db.pragma("data_version", { simple: true }) as number}:${(changes.get() as { n: number }).n}`;
  return {
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return null;
      if (performance.now() - e.at > maxAgeMs || e.stamp !== stamp()) {
        entries.delete(key);
        return null;
      }
      return e.response;
    },
    set(key, response) {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { stamp: stamp(), at: performance.now(), response });
    },
  };
}
