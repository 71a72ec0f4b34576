/** What applications report per domain (`lastAgent`'s results, `sendEvent`'s events), for whoever listens (/metrics, the event stream). */
export class OutcomeListeners<Outcome> {
  readonly #listeners = new Set<(domain: string, outcome: Outcome) => void>();

  report(domain: string, outcome: Outcome): void {
    for (const listener of this.#listeners) listener(domain, outcome);
  }

  /** Returns what stops the listening. */
  listen(listener: (domain: string, outcome: Outcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
