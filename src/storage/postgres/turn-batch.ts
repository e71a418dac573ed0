// Merges calls made during one event-loop turn into one database statement: concurrent requests' sends
// become one INSERT, their deletes one DELETE, their receives from a queue one claim. Each caller still gets
// its own result (or the shared error), after the statement has committed.

/** A result slot for an item that failed on its own while the others of its batch succeeded. */
export class ItemFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class TurnBatcher<I, O> {
  private readonly groups = new Map<string, Pending<I, O>[]>();
  private scheduled = false;
  private readonly run: (items: I[]) => Promise<(O | ItemFailure)[]>;
  private readonly maxItems: number;

  /** run gets the items of one group and returns one result (or ItemFailure) per item, in order. */
  constructor(run: (items: I[]) => Promise<(O | ItemFailure)[]>, maxItems = 500) {
    this.run = run;
    this.maxItems = maxItems;
  }

  add(item: I, group = ""): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let list = this.groups.get(group);
      if (!list) this.groups.set(group, (list = []));
      list.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const list of groups) {
      for (let i = 0; i < list.length; i += this.maxItems) {
        const chunk = list.slice(i, i + this.maxItems);
        this.run(chunk.map((p) => p.item)).then(
          (out) => chunk.forEach((p, k) => {
            const r = out[k];
            if (r instanceof ItemFailure) p.reject(r.error);
            else p.resolve(r as O);
          }),
          (e) => chunk.forEach((p) => p.reject(e)),
        );
      }
    }
  }
}
