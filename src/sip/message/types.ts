/**
 * The SIP message model (RFC 3261 §7). Parsing and serialising live beside it
 * in this folder; transactions, dialogs, the registrar and the B2BUA use only
 * these types.
 */

/** Header and URI parameters; a parameter without value (`;lr`) maps to null. Keys are lowercase. */
export type Params = Map<string, string | null>;

/** sip:, sips: (RFC 3261 §19.1) or tel: (RFC 3966) URI. */
export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  /** Host name, IPv4 address, or IPv6 address without brackets; for tel: the number. */
  host: string;
  port?: number;
  params: Params;
  /** Read-only: URIs without headers share one empty map. */
  headers: ReadonlyMap<string, string>;
}

/** name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route (§20). */
export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  params: Params;
}

/** One Via value (§20.42): `SIP/2.0/UDP host:port;branch=...;received=...;rport=...`. */
export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

export interface CSeq {
  seq: number;
  method: string;
}

/**
 * Header fields by canonical lowercase full name (compact forms are expanded when
 * parsed: `v` → `via`). Each entry holds the field values in message order, with
 * comma-separated list headers already split into single values.
 */
export class SipHeaders implements Iterable<[string, string[]]> {
  readonly #fields = new Map<string, string[]>();

  get(name: string): string | undefined {
    return this.#fields.get(name.toLowerCase())?.[0];
  }

  getAll(name: string): string[] {
    return this.#fields.get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  set(name: string, value: string | readonly string[]): this {
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.length === 0) this.#fields.delete(name.toLowerCase());
    else this.#fields.set(name.toLowerCase(), values);
    return this;
  }

  append(name: string, value: string): this {
    const key = name.toLowerCase();
    const values = this.#fields.get(key);
    if (values) values.push(value);
    else this.#fields.set(key, [value]);
    return this;
  }

  /** Adds a value before the existing ones (a proxy's own Via, Record-Route). */
  prepend(name: string, value: string): this {
    const key = name.toLowerCase();
    this.#fields.set(key, [value, ...(this.#fields.get(key) ?? [])]);
    return this;
  }

  delete(name: string): this {
    this.#fields.delete(name.toLowerCase());
    return this;
  }

  /** Visits each field in order without the iterator protocol (the serializer's path, once per message sent). */
  forEach(visit: (values: string[], name: string) => void): void {
    this.#fields.forEach(visit);
  }

  clone(): SipHeaders {
    const copy = new SipHeaders();
    for (const [name, values] of this.#fields) copy.set(name, values);
    return copy;
  }

  [Symbol.iterator](): Iterator<[string, string[]]> {
    return this.#fields.entries();
  }
}

export interface SipRequest {
  type: 'request';
  method: string;
  uri: SipUri;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  type: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/**
 * A response turned into bytes once, so it can be re-sent as is: what a
 * completed server transaction keeps instead of the parsed messages.
 * Status and CSeq method come along so it is counted without parsing again.
 */
export interface SerializedResponse {
  type: 'serialized-response';
  status: number;
  /** The CSeq method. */
  method: string;
  bytes: Buffer;
}

/** What the transport layer sends. */
export type OutgoingMessage = SipMessage | SerializedResponse;
