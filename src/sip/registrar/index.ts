/**
 * The registrar (RFC 3261 §10.3): `new Registrar({ directory, authenticator, expiry })`,
 * `handle(request, transaction, source)` for each REGISTER, `contacts(domain, user)`
 * for where a user's phones are reachable (URI, NAT source, expiry).
 */
export { Registrar, type RegistrarOptions } from './registrar.js';
export { bindingDestination, bindingUri, type Binding, type RegistrationStore, type UserBinding } from './bindings.js';
export { SqliteRegistrations } from './sqlite-registrations.js';
export type { ExpiryLimits } from './registration-request.js';
export { Qualifier, type QualifyOptions } from './qualify.js';
