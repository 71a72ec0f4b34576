/**
 * Where a value to come goes: the methods of one object that waits for it.
 * What waits for as long as a call (a flow on its bridge's conversation)
 * hands one down instead of awaiting a promise: each level of a promise
 * chain holds a promise, a reaction and a closure with its context for the
 * whole wait, an object of methods nothing more than itself.
 */
export interface Continuation<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A value that comes to a continuation rather than through a promise: what
 * an application returns when its outcome may take the whole call (a bridge).
 * `start` is called once, with where the value goes.
 */
export class Later<T> {
  constructor(readonly start: (to: Continuation<T>) => void) {}
}

/** A promise's outcome, handed on. */
export function settle<T>(promise: PromiseLike<T>, to: Continuation<T>): void {
  promise.then(
    (value) => to.resolve(value),
    (error: unknown) => to.reject(error),
  );
}
