import { logIdOf, positionOfLogId } from './log-id';

describe('log ids', () => {
  it('are fixed-width decimal positions that sort like the positions', () => {
    const ids = [1n, 9n, 10n, 123_456_789n, 2n ** 63n - 1n].map(logIdOf);
    expect(ids.every((id) => id.length === 20)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(positionOfLogId)).toEqual([1n, 9n, 10n, 123_456_789n, 2n ** 63n - 1n]);
  });

  it.each(['', 'abc', '-1', '1.5', '123456789012345678901', '99999999999999999999'])('refuses %j', (text) => {
    expect(positionOfLogId(text)).toBeUndefined();
  });
});
