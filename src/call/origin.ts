/** Who placed the call: one of our users, a configured gateway, or an unknown source calling a public number. */
export type CallOrigin =
  | { kind: 'user'; domain: string; userId: string }
  /** `account`: the username we register with at that gateway, if any. */
  | { kind: 'gateway'; domain: string; gateway: string; account?: string }
  | { kind: 'anonymous' };
