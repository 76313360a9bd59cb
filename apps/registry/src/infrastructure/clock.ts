/** The registry's clock, injected so handlers (and their tests) never call Date directly. */
export class Clock {
  constructor(private readonly now: () => number = Date.now) {}

  millis(): number {
    return this.now();
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}
