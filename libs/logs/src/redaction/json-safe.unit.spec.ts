import { jsonSafe } from './json-safe';

describe('jsonSafe', () => {
  it('replaces NUL and lone surrogates, in values and keys, and keeps the rest', () => {
    expect(jsonSafe({ name: 'a\u0000b', ['k\u0000']: ['\ud800x', 'ok 😀'], n: 1, t: true, z: null })).toEqual({
      name: 'a\ufffdb',
      ['k\ufffd']: ['\ufffdx', 'ok 😀'],
      n: 1,
      t: true,
      z: null,
    });
  });

  it('returns storable strings unchanged, again and again (no regex state left behind)', () => {
    for (let i = 0; i < 3; i++) expect(jsonSafe('a\u0000')).toBe('a\ufffd');
    expect(jsonSafe('plain')).toBe('plain');
  });

  it('hands back a value that needs no repair as it is, without a copy', () => {
    const value = { name: 'ok 😀', list: ['a', { b: 1 }], nothing: null };
    expect(jsonSafe(value)).toBe(value);
  });

  it('copies a value that needs repair and leaves the original alone', () => {
    const value = { deep: [{ name: 'x\u0000' }], other: 'ok' };
    expect(jsonSafe(value)).toEqual({ deep: [{ name: 'x\ufffd' }], other: 'ok' });
    expect(value.deep[0].name).toBe('x\u0000');
  });
});
