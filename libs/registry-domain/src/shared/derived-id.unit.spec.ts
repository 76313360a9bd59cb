import { derivedUuid } from './derived-id';

describe('derivedUuid', () => {
  it('is a version-8 RFC 9562 UUID, the same for the same parts and different for others', () => {
    const id = derivedUuid(['log-event', 'acme', 'evt-1']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid(['log-event', 'acme', 'evt-1'])).toBe(id);
    expect(derivedUuid(['log-event', 'acme', 'evt-2'])).not.toBe(id);
    // Parts are joined unambiguously: moving a boundary changes the id.
    expect(derivedUuid(['log-event', 'acm', 'eevt-1'])).not.toBe(id);
  });
});
