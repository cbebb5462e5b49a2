// The portal's one HTTP client. Every change carries the CSRF token from GET /api/session (double
// submit: the server compares it with its cookie), refreshed from the login, logout and sign-up answers
// that rotate it. Errors surface the server's own sentence: it says what to do, a generic one would not.
import type { Session } from "./types.js";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** An answer other than 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type: string | null = null,
    /** Seconds from Retry-After on 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorBody {
  error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown };
}

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Only for answers that carry no message of their own (a proxy's HTML 502, an empty 500). */
function fallbackMessage(status: number): string {
  if (status === 401) return "Your session has ended. Log in again.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "This was not found. It may have been removed.";
  if (status === 413) return "What you sent is too large. Shorten it and try again.";
  if (status === 429) return "Too many attempts. Wait a moment and try again.";
  if (status >= 500) return `The portal could not answer (HTTP ${status}). Try again in a moment.`;
  return `The portal refused the request (HTTP ${status}).`;
}

/** Turns a non-2xx response into an ApiError with the server's message when it sent one. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = null;
  }
  const error = body && typeof body === "object" ? body.error : undefined;
  const retry = Number(response.headers.get("retry-after"));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  let message = str(error?.message) ?? fallbackMessage(response.status);
  if (!str(error?.message) && retryAfter) message = `Too many attempts. Try again in ${retryAfter} s.`;
  return new ApiError(
    response.status,
    message,
    str(error?.code),
    str(error?.param),
    str(error?.type),
    retryAfter,
  );
}

export class PortalApi {
  /** The token every POST/PUT/PATCH/DELETE sends in x-csrf-token. */
  csrfToken = "";
  /** Called on 401 not_authenticated from a signed-in call: the app sends the user to /login. */
  onUnauthenticated: (() => void) | null = null;

  constructor(private readonly fetcher: Fetch = (input, init) => fetch(input, init)) {}

  async session(): Promise<Session> {
    const session = await this.request<Session>("GET", "/api/session");
    this.csrfToken = session.csrfToken;
    return session;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>("POST", path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  async request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetcher(path, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(
        0,
        `Cannot reach the portal (${(error as Error).message}). Check your connection and try again.`,
      );
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      // The CSRF cookie expired or was rotated by another tab: fetch a fresh token and try once more.
      if (error.code === "csrf_failed" && !retried && path !== "/api/session") {
        await this.session();
        return this.request<T>(method, path, body, true);
      }
      if (error.status === 401 && error.code === "not_authenticated") this.onUnauthenticated?.();
      throw error;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as T;
    // Login, logout, sign-up and log-out-everywhere rotate the token and return the new one.
    const token = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof token === "string" && token) this.csrfToken = token;
    return parsed;
  }
}

/** Query strings for GET paths, without undefined values. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
