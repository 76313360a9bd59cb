import { checkSinkConfig, maskSink, maskSecret, SECRET_SINK_FIELDS, type SinkSettings } from './sink-config';

const TOKEN = '9f1c2e7a-5b3d-4c8e-a1f0-6d2b7e9c4a51';

const valid: SinkSettings = {
  splunk: { splunkDomain: 'splunk.acme.test', splunkToken: TOKEN, splunkSecure: true },
  sumo: { sumoSourceAddress: 'https://collectors.sumologic.com/receiver/v1/http/ZaVnC4dhaV2Zv0S1yEx6Q==' },
  http: { httpEndpoint: 'https://hooks.acme.test/auth0', httpContentFormat: 'JSONLINES' },
  loggly: { logglyToken: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' },
};

const problems = (type: keyof SinkSettings, changes: Record<string, unknown>, mode: 'create' | 'update' = 'create') =>
  checkSinkConfig(type, { ...valid[type], ...changes }, mode);

const on = (field: string, detail: string) => `Payload validation error: '${detail}' on property sink.${field}`;

describe('checkSinkConfig', () => {
  it.each(Object.keys(valid) as (keyof SinkSettings)[])('accepts a minimal %s sink', (type) => {
    expect(checkSinkConfig(type, valid[type], 'create')).toEqual([]);
  });

  it('accepts every optional field with sensible values', () => {
    expect(problems('splunk', { splunkPort: '443', splunkDomain: 'http://10.0.0.5', splunkSecure: false })).toEqual([]);
    expect(
      problems('http', {
        httpContentFormat: 'JSONOBJECT',
        httpContentType: 'application/json; charset=utf-8',
        httpAuthorization: 'Bearer abc.def.ghi',
        httpCustomHeaders: [{ header: 'X-Api-Key', value: 'k-123' }],
      }),
    ).toEqual([]);
    expect(
      problems('loggly', { logglyTags: ['auth0', 'roster.prod', 'eu_1'], logglyEndpoint: 'https://logs.acme.test/in' }),
    ).toEqual([]);
  });

  it('names the missing required fields on create, and not on update', () => {
    expect(checkSinkConfig('splunk', { splunkDomain: 'splunk.acme.test' }, 'create')).toEqual([
      "Payload validation error: 'Missing required property: splunkToken' on property sink",
      "Payload validation error: 'Missing required property: splunkSecure' on property sink",
    ]);
    expect(checkSinkConfig('http', {}, 'create')).toEqual([
      "Payload validation error: 'Missing required property: httpEndpoint' on property sink",
      "Payload validation error: 'Missing required property: httpContentFormat' on property sink",
    ]);
    expect(checkSinkConfig('splunk', { splunkToken: 'new-token-value' }, 'update')).toEqual([]);
    expect(checkSinkConfig('http', { httpEndpoint: 'http://hooks.acme.test/' }, 'update')).toEqual([
      on('httpEndpoint', 'URL must use https (http is only allowed for loopback hosts)'),
    ]);
  });

  it('refuses an unknown type, a sink that is not an object, unknown fields and wrong types', () => {
    expect(checkSinkConfig('datadog', {}, 'create')).toEqual([
      `Payload validation error: 'No enum match for: "datadog"' on property type`,
    ]);
    expect(checkSinkConfig('sumo', 'https://x', 'create')).toEqual([
      "Payload validation error: 'Expected type object but found type string' on property sink",
    ]);
    expect(problems('sumo', { sumoFields: 'a=b' })).toEqual([
      "Payload validation error: 'Additional properties not allowed: sumoFields' on property sink",
    ]);
    expect(problems('splunk', { splunkSecure: 'yes', splunkPort: 8088 })).toEqual([
      on('splunkSecure', 'Expected type boolean but found type string'),
      on('splunkPort', 'Expected type string but found type integer'),
    ]);
    expect(problems('http', { httpContentFormat: 'XML' })).toEqual([
      on('httpContentFormat', 'No enum match for: "XML"'),
    ]);
  });

  it.each([
    ['splunk.acme.test', null],
    ['https://splunk.acme.test', null],
    ['http://10.1.2.3', null],
    ['HTTPS://[::1]', null],
    ['splunk.acme.test:8088', 'bad'],
    ['https://splunk.acme.test/services', 'bad'],
    ['ftp://splunk.acme.test', 'bad'],
    ['-splunk.acme.test', 'bad'],
    ['https://', 'bad'],
  ])('splunkDomain %s', (splunkDomain, expected) => {
    const found = problems('splunk', { splunkDomain });
    if (expected === null) expect(found).toEqual([]);
    else
      expect(found).toEqual([
        on(
          'splunkDomain',
          'Must be a host name or IP address, optionally prefixed with http:// or https://, without port or path',
        ),
      ]);
  });

  it('checks splunkPort as a port number written as a string', () => {
    expect(problems('splunk', { splunkPort: '65535' })).toEqual([]);
    expect(problems('splunk', { splunkPort: '0' })).toEqual([on('splunkPort', 'Port must be between 1 and 65535')]);
    expect(problems('splunk', { splunkPort: '65536' })).toEqual([on('splunkPort', 'Port must be between 1 and 65535')]);
    expect(problems('splunk', { splunkPort: '80a' })).toEqual([
      on('splunkPort', 'String does not match pattern ^[0-9]{1,5}$'),
    ]);
  });

  it('requires https endpoints, except on loopback hosts', () => {
    const endpoint = (httpEndpoint: string) => problems('http', { httpEndpoint });
    expect(endpoint('http://127.0.0.1:8080/hook')).toEqual([]);
    expect(endpoint('http://localhost/hook')).toEqual([]);
    expect(endpoint('http://hooks.acme.test/hook')).toEqual([
      on('httpEndpoint', 'URL must use https (http is only allowed for loopback hosts)'),
    ]);
    expect(endpoint('https://user:pw@hooks.acme.test/')).toEqual([
      on('httpEndpoint', 'URL must not contain credentials'),
    ]);
    expect(endpoint('javascript:alert(1)')).toEqual([on('httpEndpoint', 'Scheme javascript is not allowed')]);
    expect(endpoint('hooks.acme.test/hook')).toEqual([on('httpEndpoint', 'Must be an absolute URL')]);
    expect(problems('sumo', { sumoSourceAddress: 'http://collectors.sumologic.com/receiver/v1/http/abc' })).toEqual([
      on('sumoSourceAddress', 'URL must use https (http is only allowed for loopback hosts)'),
    ]);
    expect(problems('loggly', { logglyEndpoint: 'http://logs-01.loggly.com' })).toEqual([
      on('logglyEndpoint', 'URL must use https (http is only allowed for loopback hosts)'),
    ]);
    expect(problems('loggly', { logglyEndpoint: 'https://logs-01.loggly.com?x=1' })).toEqual([
      on('logglyEndpoint', 'URL must not contain a query string'),
    ]);
  });

  it('refuses CR/LF and other control characters in every string, headers included', () => {
    const injected = 'secret-value\r\nX-Evil: 1';
    const found = [
      ...problems('splunk', { splunkToken: injected }),
      ...problems('http', { httpAuthorization: injected }),
      ...problems('http', { httpCustomHeaders: [{ header: 'X-Key', value: injected }] }),
      ...problems('http', { httpContentType: 'application/json\n' }),
      ...problems('sumo', { sumoSourceAddress: `https://collectors.sumologic.com/${injected}` }),
    ];
    expect(found).toEqual([
      on('splunkToken', 'String contains control characters'),
      on('httpAuthorization', 'String contains control characters'),
      on('httpCustomHeaders[0].value', 'String contains control characters'),
      on('httpContentType', 'String contains control characters'),
      on('sumoSourceAddress', 'String contains control characters'),
    ]);
    // A message never repeats the value: it may be a secret.
    expect(found.join('\n')).not.toContain('secret-value');
  });

  it('requires header names to be tokens, outside the reserved ones, and each once', () => {
    const headers = (...names: string[]) =>
      problems('http', { httpCustomHeaders: names.map((header) => ({ header, value: 'v' })) });
    expect(headers('X Key', 'X-Key:')).toEqual([
      on('httpCustomHeaders[0].header', "String does not match pattern ^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"),
      on('httpCustomHeaders[1].header', "String does not match pattern ^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"),
    ]);
    expect(headers('Content-Type', 'authorization', 'Content-Length')).toEqual([
      on('httpCustomHeaders[0].header', 'Header "Content-Type" cannot be set here: use httpContentType'),
      on('httpCustomHeaders[1].header', 'Header "authorization" cannot be set here: use httpAuthorization'),
      on('httpCustomHeaders[2].header', 'Header "Content-Length" cannot be set here: it is set by the sender'),
    ]);
    expect(headers('X-Key', 'x-key')).toEqual([on('httpCustomHeaders[1].header', 'Header "x-key" repeats item 0')]);
    expect(problems('http', { httpCustomHeaders: [{ header: 'X-Key' }] })).toEqual([
      on('httpCustomHeaders[0]', 'Missing required property: value'),
    ]);
  });

  it("applies Loggly's token and tag rules", () => {
    expect(problems('loggly', { logglyToken: 'a/b' })).toEqual([
      on('logglyToken', 'String does not match pattern ^[A-Za-z0-9_-]+$'),
    ]);
    expect(problems('loggly', { logglyTags: ['-x'] })).toEqual([
      on('logglyTags[0]', 'String does not match pattern ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    ]);
    expect(problems('loggly', { logglyTags: ['a', 'a'] })).toEqual([
      on('logglyTags', 'Array items are not unique (indexes 0 and 1)'),
    ]);
  });
});

describe('maskSink', () => {
  it('masks every secret field and leaves the rest as it is', () => {
    expect(maskSink('splunk', { ...valid.splunk, splunkPort: '8088' })).toEqual({
      splunkDomain: 'splunk.acme.test',
      splunkPort: '8088',
      splunkToken: '****4a51',
      splunkSecure: true,
    });
    expect(maskSink('sumo', valid.sumo)).toEqual({ sumoSourceAddress: 'https://collectors.sumologic.com/****' });
    expect(
      maskSink('http', {
        ...valid.http,
        httpAuthorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-x9Qz',
        httpCustomHeaders: [{ header: 'X-Api-Key', value: 'short' }],
      }),
    ).toEqual({
      ...valid.http,
      httpAuthorization: '****x9Qz',
      httpCustomHeaders: [{ header: 'X-Api-Key', value: '****' }],
    });
    expect(maskSink('loggly', { ...valid.loggly, logglyTags: ['auth0'] })).toEqual({
      logglyToken: '****4d5e',
      logglyTags: ['auth0'],
    });
  });

  it('returns a copy, masks short secrets whole, and leaves absent optional secrets absent', () => {
    const sink = { ...valid.http };
    expect(maskSink('http', sink)).not.toBe(sink);
    expect(Object.keys(maskSink('http', sink))).toEqual(['httpEndpoint', 'httpContentFormat']);
    expect(maskSecret('elevenchars')).toBe('****');
    expect(maskSecret('twelve-chars')).toBe('****hars');
  });

  it('leaves no secret of any type readable', () => {
    const secrets = {
      splunk: [TOKEN],
      sumo: ['ZaVnC4dhaV2Zv0S1yEx6Q=='],
      http: ['dXNlcjpwYXNzd29yZA==', 'abcdefghijklmnop'],
      loggly: ['b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'],
    };
    const full: SinkSettings = {
      ...valid,
      http: {
        ...valid.http,
        httpAuthorization: 'Basic dXNlcjpwYXNzd29yZA==',
        httpCustomHeaders: [{ header: 'X', value: 'abcdefghijklmnop' }],
      },
    };
    for (const type of Object.keys(SECRET_SINK_FIELDS) as (keyof SinkSettings)[]) {
      const masked = JSON.stringify(maskSink(type, full[type]));
      for (const secret of secrets[type]) {
        expect(JSON.stringify(full[type])).toContain(secret);
        expect(masked).not.toContain(secret.slice(0, -4));
      }
    }
  });
});
