/**
 * How many flash-sale attempts this process is serving: attempts counted in quarter-second
 * windows, the current and the previous one. Background work (workflow starts) asks
 * `busy()` and waits while a burst is being served.
 */
export class LoadMeter {
  private window = 0;
  private current = 0;
  private previous = 0;

  constructor(
    /** Attempts per second (over the last quarter second) above which this process is serving a burst. */
    private readonly burstPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  count(attempts = 1): void {
    const window = Math.floor(this.now() / 250);
    if (window !== this.window) {
      this.previous = window === this.window + 1 ? this.current : 0;
      this.current = 0;
      this.window = window;
    }
    this.current += attempts;
  }

  busy(): boolean {
    this.count(0);
    return (this.current + this.previous) * 2 > this.burstPerSecond;
  }
}
