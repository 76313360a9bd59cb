import { eventJson, logElementJson, rememberEventJson } from './event-json';
import { logEvent } from './log-sinks.fixtures';
import { splunkEnvelope } from './splunk-hec.connector';

describe('event JSON', () => {
  it('serialises an event it has no text for', () => {
    const event = logEvent(1);
    expect(JSON.parse(eventJson(event))).toEqual(event);
    expect(JSON.parse(logElementJson(event))).toEqual({ log_id: event.log_id, data: event });
  });

  it('reuses the text an event was decoded from, byte for byte', () => {
    // Key order and escapes differ from what JSON.stringify of the parsed copy would write.
    const text = '{"type":"s","log_id":"00000000000000000007","date":"2026-01-01T00:00:00.000Z","d":"\\u00e9"}';
    const event = JSON.parse(text);
    rememberEventJson(event, text);
    // The event itself is unchanged to anyone who looks at it or serialises it.
    expect(event).toStrictEqual(JSON.parse(text));
    expect(Object.keys(event)).toEqual(['type', 'log_id', 'date', 'd']);
    expect(eventJson(event)).toBe(text);
    expect(logElementJson(event)).toBe(`{"log_id":"00000000000000000007","data":${text}}`);
    expect(JSON.parse(splunkEnvelope(event)).event).toEqual({ log_id: event.log_id, data: event });
  });

  it('does not keep text with a line break, which would break newline-delimited bodies', () => {
    const text = '{\n  "type": "s",\n  "log_id": "00000000000000000008"\n}';
    const event = JSON.parse(text);
    rememberEventJson(event, text);
    expect(eventJson(event)).toBe('{"type":"s","log_id":"00000000000000000008"}');
  });
});
