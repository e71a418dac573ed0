// A binary min-heap under a caller-given order, shared by the in-memory indexes of the SQLite adapter
// (ready-index.ts, fifo-index.ts, running-counts.ts). With `moved`, each item is told its index whenever it moves
// (-1 when popped or removed), so an item whose key changed moves in place (`raised`, `changed`) instead of being
// pushed again, and an item can be taken out from the middle (`removeAt`).

export class Heap<T> {
  items: T[] = [];
  private readonly before: (a: T, b: T) => boolean;
  private readonly moved: ((n: T, i: number) => void) | undefined;

  constructor(before: (a: T, b: T) => boolean, moved?: (n: T, i: number) => void) {
    this.before = before;
    this.moved = moved;
  }

  push(n: T): void {
    this.items.push(n);
    this.up(this.items.length - 1);
  }

  /** The item at index i now sorts earlier than before (its key decreased): moves it up. */
  raised(i: number): void {
    this.up(i);
  }

  /** The item at index i changed its key either way: moves it up or down. */
  changed(i: number): void {
    const n = this.items[i];
    this.up(i);
    if (this.items[i] === n) this.down(i);
  }

  /** Takes out the item at index i (an index `moved` reported). */
  removeAt(i: number): void {
    const h = this.items;
    const n = h[i];
    const last = h.pop() as T;
    if (i < h.length) {
      h[i] = last;
      this.changed(i);
    }
    this.moved?.(n, -1);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      this.down(0);
    }
    if (top !== undefined) this.moved?.(top, -1);
    return top;
  }

  rebuild(nodes: T[]): void {
    nodes.sort((a, b) => (this.before(a, b) ? -1 : 1));
    this.items = nodes; // a sorted array is a valid heap
    if (this.moved) nodes.forEach(this.moved);
  }

  private up(i: number): void {
    const h = this.items;
    const n = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(n, h[p])) break;
      this.place(h[p], i);
      i = p;
    }
    this.place(n, i);
  }

  private down(i: number): void {
    const h = this.items;
    const n = h[i];
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = l < h.length && this.before(h[l], n) ? l : -1;
      if (r < h.length && this.before(h[r], m < 0 ? n : h[m])) m = r;
      if (m < 0) break;
      this.place(h[m], i);
      i = m;
    }
    this.place(n, i);
  }

  private place(n: T, i: number): void {
    this.items[i] = n;
    this.moved?.(n, i);
  }
}
