/** The admin API as the console uses it: JSON with the signed-in token or session, and the live event stream. */

export interface Phone {
  domain: string;
  id: string;
  name: string;
  account_state: string;
  contacts: { uri: string; source: string; userAgent?: string; expiresAt: string }[];
}

export interface LiveCall {
  uuid: string;
  state: string;
  domain: string;
  callerIdNumber: string;
  destinationNumber: string;
  direction: string;
  startedAt: string;
}

export interface ApiIssue {
  path: string;
  message: string;
}

/** One event of a trace, as `callrouter trace --json` prints it. */
export interface TraceEvent {
  type: 'step' | 'end';
  path?: string;
  app?: string;
  args?: unknown;
  result?: string;
  error?: string;
  variables?: Record<string, string>;
  notes?: string[];
  reason?: string;
  steps?: number;
  message?: string;
}

/** A real call's trace (GET /calls/:uuid/trace). */
export interface CallTrace {
  uuid: string;
  domain: string;
  startedAt: string;
  inProgress: boolean;
  droppedEvents: number;
  events: TraceEvent[];
}

export interface SchemaIssue {
  path: string;
  segments: (string | number)[];
  message: string;
}

/** A search hit of POST /cdrs/search. */
export interface CdrHit {
  _id: string;
  _source: Record<string, any>;
}

export interface SearchResult {
  took: number;
  hits: { total?: { value: number; relation: string }; hits: CdrHit[] };
  aggregations?: Record<string, any>;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

/** How the console proves who it is: an API token, or a password sign-in's session cookie with its CSRF token. */
export type Credentials = { kind: 'token'; token: string } | { kind: 'session'; csrfToken: string };

/** Who is signed in (GET/POST /api/v1/session). */
export interface Session {
  username: string;
  role: string;
  domain?: string;
  csrfToken: string;
  expiresAt: string;
}

export class Api {
  constructor(readonly credentials: Credentials) {}

  /** A token goes in Authorization; a session's cookie goes by itself, and every change carries its CSRF token. */
  #headers(method: string): Record<string, string> {
    if (this.credentials.kind === 'token') return { authorization: `Bearer ${this.credentials.token}` };
    return method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': this.credentials.csrfToken };
  }

  async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { ...this.#headers(method), ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
    if (!response.ok) throw new ApiFailure(response.status, json.message ?? `HTTP ${response.status}`, json.issues);
    return json as T;
  }

  /** Reads /api/v1/events until `signal` aborts, reconnecting after a failure; `onState` tells whether it is live. */
  async stream(onEvent: (type: string, data: any) => void, onState: (live: boolean) => void, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const response = await fetch('/api/v1/events', { headers: this.#headers('GET'), credentials: 'same-origin', signal });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (type && data) onEvent(type, JSON.parse(data));
          }
        }
      } catch {
        // Reconnect below, unless signed out.
      }
      onState(false);
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}
