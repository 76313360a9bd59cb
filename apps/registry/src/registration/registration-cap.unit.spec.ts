import { RosterError } from '@roster/errors';
import { RegistrationCap } from './registration-cap';

/** A read model whose count the test sets, counting how often it is asked. */
const readModel = (count: number) => {
  const reader = {
    count,
    reads: 0,
    countDynamicallyRegistered: async () => {
      reader.reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return reader.count;
    },
  };
  return reader;
};

const outcomes = (attempts: Promise<void>[]) =>
  Promise.all(attempts.map((a) => a.then(() => 'taken').catch((e: RosterError) => e.code)));

describe('RegistrationCap', () => {
  it('lets exactly the free places through when registrations arrive together, with one read', async () => {
    const reader = readModel(1);
    const cap = new RegistrationCap(reader, 3);
    const results = await outcomes(Array.from({ length: 8 }, () => cap.reserve('acme')));
    expect(results.filter((r) => r === 'taken')).toHaveLength(2);
    expect(results.filter((r) => r === 'invalid_client_metadata')).toHaveLength(6);
    expect(reader.reads).toBe(1);
  });

  it('gives a place back on release, and counts tenants apart', async () => {
    const cap = new RegistrationCap(readModel(0), 1);
    await cap.reserve('acme');
    await expect(cap.reserve('acme')).rejects.toMatchObject({ code: 'invalid_client_metadata' });
    await cap.reserve('globex');
    cap.release('acme');
    await cap.reserve('acme');
  });

  it('reads the read model again once the count is older than the refresh period', async () => {
    let now = 0;
    const reader = readModel(0);
    const cap = new RegistrationCap(reader, 2, 1000, () => now);
    await cap.reserve('acme');
    await cap.reserve('acme');
    await expect(cap.reserve('acme')).rejects.toBeInstanceOf(RosterError);
    // Another process removed both in the meantime: the next read sees it.
    reader.count = 0;
    now = 999;
    await expect(cap.reserve('acme')).rejects.toBeInstanceOf(RosterError);
    now = 1000;
    await cap.reserve('acme');
    expect(reader.reads).toBe(2);
  });
});
