import { RosterError } from '@roster/errors';
import { parseNotification } from './checkpoints';
import { decodeCursor, encodeCursor } from './paging';
import { changeParams } from './projection';

describe('checkpoint tokens', () => {
  it('round-trip a cursor through an opaque token', () => {
    const token = encodeCursor('12345');
    expect(token).not.toContain('12345');
    expect(decodeCursor(token, 'bigint')).toBe('12345');
    expect(decodeCursor(encodeCursor('app:é/1'), 'text')).toBe('app:é/1');
  });

  it.each([
    ['garbage', 'not-a-token', 'text'],
    ['empty', '', 'text'],
    ['a text cursor where a position is expected', encodeCursor('abc'), 'bigint'],
    ['a position too large for int8', encodeCursor('1'.repeat(20)), 'bigint'],
  ] as const)('rejects %s as invalid_paging', (_, token, type) => {
    expect(() => decodeCursor(token, type)).toThrow(RosterError);
    expect(() => decodeCursor(token, type)).toThrow(
      expect.objectContaining({ code: 'invalid_paging', kind: 'validation' }),
    );
  });
});

describe('changeParams', () => {
  it('splits a partial update into fields to set and fields to unset', () => {
    expect(changeParams({ name: 'x', description: null, logo_uri: undefined, callbacks: [] })).toEqual([
      JSON.stringify({ name: 'x', callbacks: [] }),
      ['description'],
    ]);
  });
});

describe('parseNotification', () => {
  it('reads "<checkpoint>:<position>", names with colons included', () => {
    expect(parseNotification('registry:42')).toEqual({ name: 'registry', position: 42n });
    expect(parseNotification('a:b:7')).toEqual({ name: 'a:b', position: 7n });
    expect(parseNotification('registry')).toBeUndefined();
    expect(parseNotification('registry:x')).toBeUndefined();
  });
});
