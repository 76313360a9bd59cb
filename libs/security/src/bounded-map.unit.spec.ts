import { RosterError } from '@roster/errors';
import { BoundedMap } from './bounded-map';

describe('BoundedMap', () => {
  it('evicts the least recently used key when the cap is exceeded', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // 'a' is now more recent than 'b'
    map.set('c', 3);
    expect(map.size).toBe(2);
    expect(map.has('b')).toBe(false);
    expect(map.peek('a')).toBe(1);
    expect(map.peek('c')).toBe(3);
  });

  it('keeps exactly the most recently used keys through a long mix of sets, gets, deletes and sweeps', () => {
    // The model: a list, most recent last. Seeded so a failure replays.
    let seed = 7;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const map = new BoundedMap<number, number>(50);
    let model: number[] = [];
    let evictions = 0;
    const touch = (key: number) => (model = [...model.filter((k) => k !== key), key]);
    for (let step = 0; step < 20_000; step++) {
      const key = random(120);
      const op = random(20);
      if (op < 12) {
        map.set(key, step);
        touch(key);
        if (model.length > 50) {
          model = model.slice(1);
          evictions++;
        }
      } else if (op < 18) {
        if (map.get(key) !== undefined) touch(key);
      } else if (op < 19) {
        map.delete(key);
        model = model.filter((k) => k !== key);
      } else {
        const oldest = model[0];
        map.sweep((_, k) => k === oldest, 1);
        if (oldest !== undefined) model = model.slice(1);
      }
      expect(map.size).toBe(model.length);
      if (step % 97 === 0)
        expect(Array.from({ length: 120 }, (_, k) => map.has(k))).toEqual(
          Array.from({ length: 120 }, (_, k) => model.includes(k)),
        );
    }
    expect(evictions).toBeGreaterThan(1000);
  });

  it('peek does not refresh recency', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.peek('a');
    map.set('c', 3);
    expect(map.has('a')).toBe(false);
  });

  it('overwriting a key does not grow the map', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('a', 2);
    map.set('b', 3);
    expect(map.size).toBe(2);
    expect(map.peek('a')).toBe(2);
    expect(map.delete('a')).toBe(true);
    expect(map.size).toBe(1);
  });

  it('sweep drops stale entries from the oldest end, at most `max`, stopping at the first fresh one', () => {
    const map = new BoundedMap<string, number>(10);
    ['a', 'b', 'c', 'd'].forEach((k, i) => map.set(k, i));
    map.set('e', 0); // stale value but most recent
    map.sweep((v) => v < 3, 2);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([false, false, true]);
    map.sweep((v) => v < 3, 5);
    expect([map.has('c'), map.has('d'), map.has('e')]).toEqual([false, true, true]);
  });

  it('rejects a non-positive cap', () => {
    expect(() => new BoundedMap(0)).toThrow(RosterError);
    expect(() => new BoundedMap(1.5)).toThrow(RosterError);
  });
});
