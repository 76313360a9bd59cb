import { RosterError } from '@roster/errors';

/**
 * A Map with a hard size cap that evicts the least recently used entry. The limiters key their state by
 * attacker-controlled strings (client ids, IP addresses), so their memory must stay bounded whatever arrives.
 * Recency is the Map's insertion order: a touch deletes and re-inserts the key.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  /**
   * Walks the keys oldest first, deleting each one it passes. A fresh `keys()` per eviction would start at the front
   * of V8's table and step over every entry deleted since the table was last rebuilt, which made each eviction cost
   * up to the map's size (ingestion slowed by 75% once its 200,000 recent ids were full). One live iterator steps over
   * each of them once; keys inserted after it (new or touched) come later, in order, so it always yields the oldest.
   */
  private evictor?: Iterator<K>;

  constructor(readonly maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new RosterError(
        'validation',
        'invalid_limiter_options',
        `maxSize must be a positive integer, got ${maxSize}`,
      );
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Returns the value and marks the key as most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Reads without changing recency (for inspection). */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxSize) {
      let oldest = this.evictor?.next();
      if (!oldest || oldest.done) {
        this.evictor = this.entries.keys();
        oldest = this.evictor.next();
      }
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /**
   * Drops up to `max` entries from the least recently used end while `isStale` holds, stopping at the first fresh
   * one. Called on each write, it lets idle state age out in O(1) amortized time instead of waiting for the cap.
   */
  sweep(isStale: (value: V, key: K) => boolean, max = 2): void {
    let removed = 0;
    for (const [key, value] of this.entries) {
      if (removed >= max || !isStale(value, key)) return;
      this.entries.delete(key);
      removed++;
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }
}
