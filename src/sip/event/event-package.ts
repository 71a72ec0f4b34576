/**
 * An event package (RFC 6665 §7): what the Event header names, the body type
 * its NOTIFYs carry, who may watch a resource, and where the resource's state
 * and its changes come from. Resources are the users of a domain: an
 * extension's phones (dialog, presence) or its mailbox (message-summary).
 */

/** A user of a domain: what a SUBSCRIBE's Request-URI names. */
export interface Resource {
  domain: string;
  user: string;
}

export interface EventPackage {
  /** The package's name in Event and Allow-Events. */
  readonly event: string;
  /** The one body type its NOTIFYs carry; a SUBSCRIBE whose Accept leaves it out gets 406. */
  readonly contentType: string;
  /** `domain`: any user of the resource's domain may watch it (BLF). `self`: only its own user (a mailbox is private). */
  readonly watchers: 'domain' | 'self';
  /**
   * The documents of one subscription: each call gives the body of its next
   * NOTIFY with the resource's state as it is now. A function per
   * subscription, since some documents count their versions per subscriber.
   */
  documents(resource: Resource): () => string | Promise<string>;
  /** Called whenever a resource's state changes; returns what stops it. */
  onChange(listener: (resource: Resource) => void): () => void;
}

/** The text of a SIP or pres URI naming a resource. */
export function resourceUri(resource: Resource, scheme = 'sip'): string {
  return `${scheme}:${resource.user}@${resource.domain}`;
}
