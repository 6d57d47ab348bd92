/**
 * Group commit: callers submit items one by one; whatever queued up while the previous
 * transaction was running goes into the next one. No timer: an idle campaign's first
 * request goes straight through, and under load batches grow by themselves, so the
 * stock row is locked once per batch rather than once per request.
 *
 * `maxInFlight` batches may run at once (1 for a single stock row: parallel batches
 * would only queue on its lock; more when the stock is split into buckets). A batch
 * holds at most one item per `groupOf` value (one attempt per buyer, so the per-user
 * limit is applied to one attempt at a time); the others wait for a later batch.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly opts: { maxInFlight: number; maxBatch: number; groupOf: (item: T) => string },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  pending(): number {
    return this.queue.length;
  }

  private pump() {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch: typeof this.queue = [];
      const rest: typeof this.queue = [];
      const groups = new Set<string>();
      for (const entry of this.queue) {
        const group = this.opts.groupOf(entry.item);
        if (batch.length < this.opts.maxBatch && !groups.has(group)) {
          groups.add(group);
          batch.push(entry);
        } else rest.push(entry);
      }
      this.queue = rest;
      this.inFlight += 1;
      this.run(batch.map((e) => e.item))
        .then(
          (results) => batch.forEach((e, i) => e.resolve(results[i])),
          (err) => batch.forEach((e) => e.reject(err)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
