import { Logger, type LogLevel } from '@nestjs/common';
import { JsonLogger, maskSecrets } from './logger';
import { requestIdFrom, runInRequestContext } from './request-context';

const capture = () => {
  const lines: { line: string; level: LogLevel }[] = [];
  const logger = new JsonLogger({
    service: 'registry',
    write: (line, level) => lines.push({ line, level }),
    now: () => new Date('2025-01-02T03:04:05.678Z'),
  });
  const parsed = () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
};

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, service, context and message', () => {
    const { logger, lines, parsed } = capture();
    logger.log('listening on port 3000', 'registry');
    logger.warn('slow\nquery', 'read-models');
    expect(lines.every(({ line }) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    expect(parsed()).toEqual([
      {
        time: '2025-01-02T03:04:05.678Z',
        level: 'log',
        service: 'registry',
        context: 'registry',
        message: 'listening on port 3000',
      },
      {
        time: '2025-01-02T03:04:05.678Z',
        level: 'warn',
        service: 'registry',
        context: 'read-models',
        message: 'slow\nquery',
      },
    ]);
  });

  it('keeps the stack of an error, given as Nest passes it or as an Error', () => {
    const { logger, parsed, lines } = capture();
    const error = new Error('boom');
    logger.error('POST /clients failed', error.stack, 'http');
    logger.error(new Error('bare'));
    const [first, second] = parsed();
    expect(first).toMatchObject({ level: 'error', context: 'http', message: 'POST /clients failed' });
    expect(first.stack).toContain('Error: boom\n    at ');
    expect(second).toMatchObject({ level: 'error', message: 'bare' });
    expect(second.stack).toContain('Error: bare');
    expect(lines.map(({ level }) => level)).toEqual(['error', 'error']);
  });

  it('names the request a line was written for, and only inside it', () => {
    const { logger, parsed } = capture();
    runInRequestContext({ requestId: 'req-42' }, () => {
      runInRequestContext({ requestId: 'req-43' }, () => logger.log('nested', 'http'));
      logger.log('inside', 'http');
    });
    logger.log('outside', 'http');
    expect(parsed().map((line) => line.request_id)).toEqual(['req-43', 'req-42', undefined]);
  });

  it('leaves the request when its work throws', () => {
    const { logger, parsed } = capture();
    expect(() =>
      runInRequestContext({ requestId: 'req-42' }, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    logger.log('after', 'http');
    expect(parsed().map((line) => line.request_id)).toEqual([undefined]);
  });

  it("serves Nest's Logger once installed, without the start-up chatter or debug lines", () => {
    const { logger, parsed } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('InstanceLoader').log('AppModule dependencies initialized');
      new Logger('bootstrap').debug('details');
      new Logger('bootstrap').log('tenant created');
      new Logger('bootstrap').error('failed', undefined);
    } finally {
      Logger.overrideLogger(new Logger());
    }
    expect(parsed().map(({ level, context, message }) => ({ level, context, message }))).toEqual([
      { level: 'log', context: 'bootstrap', message: 'tenant created' },
      { level: 'error', context: 'bootstrap', message: 'failed' },
    ]);
  });

  it('masks credentials a message or a stack may carry', () => {
    const { logger, parsed } = capture();
    logger.error(
      'connect failed for postgres://roster:s3cr3t-pw@db:5432/roster',
      'Error: x\n    at y (authorization: Bearer abcdefghijklmnop)',
      'sql',
    );
    const [line] = parsed();
    expect(line.message).toBe('connect failed for postgres://roster:****@db:5432/roster');
    expect(line.stack).toBe('Error: x\n    at y (authorization: Bearer ****)');
  });
});

describe('maskSecrets', () => {
  it.each([
    ['https://user:tok3n@siem.example.com/hec', 'https://user:****@siem.example.com/hec'],
    ['Authorization: Splunk 0123456789abcdef', 'Authorization: Splunk ****'],
    ['client_secret=abcdef&grant_type=client_credentials', 'client_secret=****&grant_type=client_credentials'],
    ['{"password":"hunter22"}', '{"password":"****"}'],
  ])('%s', (text, masked) => expect(maskSecrets(text)).toBe(masked));

  it('leaves ordinary text alone', () => {
    const text = 'POST /tenants/:tenant/oauth/token failed after 3 attempts (http://siem.example.com:8088)';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('requestIdFrom', () => {
  it("keeps a caller's well-formed id", () => {
    expect(requestIdFrom('abc-DEF_1.2')).toBe('abc-DEF_1.2');
    expect(requestIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it.each([[undefined], [''], ['x'.repeat(129)], ['a b'], ['id\n{"level":"error"}'], [['a', 'b']]])(
    'replaces %p with a fresh UUID',
    (header) => {
      const id = requestIdFrom(header as string | string[] | undefined);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    },
  );
});
