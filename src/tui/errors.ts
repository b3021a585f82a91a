/**
 * Errors of the dashboard's API client, as readonly objects discriminated by `type`. Every message
 * is one line naming the request's URL (credentials stripped) so the status bar says what failed.
 * @module
 */

/** The connection failed (refused, DNS, reset). */
export interface DashboardUnreachableError {
  readonly type: "DashboardUnreachable";
  readonly message: string;
  readonly url: string;
  readonly cause: unknown;
}

/** No complete answer within the timeout. */
export interface DashboardTimeoutError {
  readonly type: "DashboardTimeout";
  readonly message: string;
  readonly url: string;
  readonly timeoutMs: number;
}

/** A non-2xx answer (401 for a missing or wrong API key, 404 for an unknown submission). */
export interface DashboardHttpStatusError {
  readonly type: "DashboardHttpStatus";
  readonly message: string;
  readonly url: string;
  readonly status: number;
  /** The API's `{"detail": ...}`, when it sent one. */
  readonly detail: string | null;
}

/** A 2xx answer that is not JSON, or JSON of the wrong overall shape. */
export interface DashboardBadResponseError {
  readonly type: "DashboardBadResponse";
  readonly message: string;
  readonly url: string;
  readonly status: number;
  readonly cause: unknown;
}

/** Errors of {@link DashboardClient} requests. */
export type DashboardClientError = DashboardUnreachableError | DashboardTimeoutError | DashboardHttpStatusError | DashboardBadResponseError;

/** `url` without user info, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}
