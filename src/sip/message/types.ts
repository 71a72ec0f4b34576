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
  /** Read-only: URIs without parameters (most of them) share one empty map. */
  params: ReadonlyMap<string, string | null>;
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
 *
 * Names and their values sit in two parallel arrays, in the order each name
 * first appeared: a message has a dozen or two names, which a scan finds as
 * fast as a hash lookup, and the arrays cost a fraction of a Map's table
 * (allocated for every message parsed or built).
 */
export class SipHeaders implements Iterable<[string, string[]]> {
  readonly #names: string[] = [];
  /** A field with one value (most of them) holds it as is, without an array around it. */
  readonly #values: Array<string | string[]> = [];

  get(name: string): string | undefined {
    const values = this.#valuesOf(name);
    return typeof values === 'string' ? values : values?.[0];
  }

  getAll(name: string): string[] {
    const values = this.#valuesOf(name);
    return typeof values === 'string' ? [values] : (values ?? []);
  }

  /** How many values the field has (0 when absent). */
  count(name: string): number {
    const values = this.#valuesOf(name);
    return typeof values === 'string' ? 1 : (values?.length ?? 0);
  }

  has(name: string): boolean {
    return this.#indexOf(name) >= 0;
  }

  set(name: string, value: string | readonly string[]): this {
    const key = name.toLowerCase();
    const index = this.#names.indexOf(key);
    if (value.length === 0 && typeof value !== 'string') this.#remove(index);
    else {
      const values = typeof value === 'string' ? value : value.length === 1 ? value[0] : value.slice();
      if (index >= 0) this.#values[index] = values;
      else this.#add(key, values);
    }
    return this;
  }

  append(name: string, value: string): this {
    const key = name.toLowerCase();
    const index = this.#names.indexOf(key);
    if (index < 0) this.#add(key, value);
    else {
      const values = this.#values[index];
      if (typeof values === 'string') this.#values[index] = [values, value];
      else values.push(value);
    }
    return this;
  }

  /** Adds a value before the existing ones (a proxy's own Via, Record-Route). */
  prepend(name: string, value: string): this {
    const key = name.toLowerCase();
    const index = this.#names.indexOf(key);
    if (index >= 0) this.#values[index] = [value, ...this.getAll(key)];
    else this.#add(key, value);
    return this;
  }

  delete(name: string): this {
    this.#remove(this.#names.indexOf(name.toLowerCase()));
    return this;
  }

  /** Visits each value with its field's name, in order, without the iterator protocol (the serializer's path). */
  forEachValue(visit: (value: string, name: string) => void): void {
    for (let i = 0; i < this.#names.length; i++) {
      const values = this.#values[i];
      if (typeof values === 'string') visit(values, this.#names[i]);
      else for (let j = 0; j < values.length; j++) visit(values[j], this.#names[i]);
    }
  }

  clone(): SipHeaders {
    const copy = new SipHeaders();
    for (let i = 0; i < this.#names.length; i++) copy.set(this.#names[i], this.#values[i]);
    return copy;
  }

  *[Symbol.iterator](): Iterator<[string, string[]]> {
    for (let i = 0; i < this.#names.length; i++) yield [this.#names[i], this.getAll(this.#names[i])];
  }

  #valuesOf(name: string): string | string[] | undefined {
    const index = this.#indexOf(name);
    return index < 0 ? undefined : this.#values[index];
  }

  /** Callers name fields in lower case nearly always: looked up as given first, lower-cased only when not found. */
  #indexOf(name: string): number {
    const index = this.#names.indexOf(name);
    if (index >= 0) return index;
    const key = name.toLowerCase();
    return key === name ? -1 : this.#names.indexOf(key);
  }

  #add(key: string, values: string | string[]): void {
    this.#names.push(key);
    this.#values.push(values);
  }

  #remove(index: number): void {
    if (index < 0) return;
    this.#names.splice(index, 1);
    this.#values.splice(index, 1);
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

/**
 * A request turned into bytes once, to be re-sent as is: the ACK of a 2xx,
 * which a client leg keeps to answer that 2xx's retransmissions up to 64×T1
 * after the call.
 */
export interface SerializedRequest {
  type: 'serialized-request';
  method: string;
  bytes: Buffer;
}

/** What the transport layer sends. */
export type OutgoingMessage = SipMessage | SerializedResponse | SerializedRequest;
