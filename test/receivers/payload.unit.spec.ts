import { concatenatedJsonObjects, logIdOf, splitLines } from './payload';

describe('concatenatedJsonObjects', () => {
  const scan = (text: string) => [...concatenatedJsonObjects(text)];

  it('splits envelopes written back to back or separated by JSON whitespace', () => {
    const items = scan('{"event":"a"}{"event":{"b":[1,{"c":2}]}}\n\t {"event":"}{\\"]"}\r\n');
    expect(items.map((i) => (i.ok ? i.value : i.reason))).toEqual([
      { event: 'a' },
      { event: { b: [1, { c: 2 }] } },
      { event: '}{"]' },
    ]);
    expect(items.map((i) => i.position)).toEqual([0, 1, 2]);
  });

  it('ends a string at a quote after an even run of backslashes only', () => {
    // Raw text: {"e":"\\"} holds one escaped backslash; the second string holds an escaped backslash, an escaped
    // quote, then }{ up to its real end.
    const items = scan(String.raw`{"e":"\\"}{"e":"\\\"}{"}`);
    expect(items.map((i) => (i.ok ? i.value : i.reason))).toEqual([{ e: '\\' }, { e: '\\"}{' }]);
    expect(scan(String.raw`{"e":"\"}`).map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['envelope is not terminated']);
  });

  it('stops at the first envelope that is not a complete JSON object, giving its position', () => {
    const reasons = (text: string) => scan(text).map((i) => (i.ok ? 'ok' : `${i.position}: ${i.reason}`));
    expect(reasons('{"event":1},{"event":2}')).toEqual(['ok', "1: expected '{' at offset 11"]);
    expect(reasons('{"event":1}{"event":')).toEqual(['ok', '1: envelope is not terminated']);
    expect(reasons('{"event":1 "time":2}')).toEqual(['0: envelope is not valid JSON']);
    expect(reasons('{"event":[1}]')).toEqual(['0: envelope is not valid JSON']);
    expect(reasons('[{"event":1}]')).toEqual(['0: a JSON array is not a HEC envelope']);
    expect(reasons(' \n ')).toEqual([]);
  });
});

describe('splitLines', () => {
  it('keeps one event per non-blank line and drops the carriage return of CRLF', () => {
    expect(splitLines('a\r\n\n b \nc\n')).toEqual([
      { position: 0, text: 'a' },
      { position: 1, text: ' b ' },
      { position: 2, text: 'c' },
    ]);
  });
});

describe('logIdOf', () => {
  it('finds log_id on the log, a webhook element, or the legacy {message} wrapper', () => {
    expect(logIdOf({ log_id: 'a' })).toBe('a');
    expect(logIdOf({ data: { log_id: 'b' } })).toBe('b');
    expect(logIdOf({ message: { log_id: 'c' }, severity: 'info' })).toBe('c');
    expect(logIdOf({ log_id: 1 })).toBeUndefined();
    expect(logIdOf('{"log_id":"d"}')).toBeUndefined();
  });
});
