import { stringProblem, type StringRule } from './field-rules';

/** The string rule every field table uses; lengths count code points, so an emoji counts once. */
describe('stringProblem', () => {
  const rule = (extra: Partial<StringRule> = {}): StringRule => ({ type: 'string', maxLength: 4, ...extra });

  it.each([
    ['plain text within bounds', 'abcd', rule(), null],
    ['one character too many', 'abcde', rule(), 'String is too long (5 chars), maximum 4'],
    ['four emoji: eight UTF-16 units, four code points', '😀😀😀😀', rule(), null],
    ['five emoji', '😀😀😀😀😀', rule(), 'String is too long (5 chars), maximum 4'],
    ['too short', 'a', rule({ minLength: 2 }), 'String is too short (1 chars), minimum 2'],
    [
      'one emoji is one code point, too short for two',
      '😀',
      rule({ minLength: 2 }),
      'String is too short (1 chars), minimum 2',
    ],
    ['a C0 control character', 'a\u0000b', rule(), 'String contains control characters'],
    ['a C1 control character', 'a\u0085b', rule(), 'String contains control characters'],
    ['a bidi override', 'a\u202eb', rule(), 'String contains control characters'],
    ['a line break in a single-line field', 'a\nb', rule(), 'String contains control characters'],
    ['a line break in a multiline field', 'a\nb', rule({ multiline: true }), null],
    ['a lone high surrogate', 'a\ud83d', rule(), 'String contains invalid Unicode'],
    ['a lone low surrogate', '\ude00a', rule(), 'String contains invalid Unicode'],
    [
      'a pattern mismatch',
      'ab c',
      rule({ pattern: { regex: /^\S+$/, text: '^\\S+$' } }),
      'String does not match pattern ^\\S+$',
    ],
  ])('given %s, answers as expected', (_case, value, given, expected) => {
    expect(stringProblem(value, given)).toBe(expected);
  });
});
