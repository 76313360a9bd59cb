import type { RosterInstance } from './roster-instance';

/**
 * Everything a running instance has stored, as text to search for secrets: every event of the event store and every
 * row of every read-model table (the log read model included).
 */
export const storedText = async (
  roster: RosterInstance,
): Promise<{ events: string; readModels: string; tables: number }> => {
  const events = JSON.stringify(await roster.storage.eventStore.readAll({ limit: 1_000_000 }), (_, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  const { rows } = await roster.storage.readModels.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'rm\\_%'",
  );
  let readModels = '';
  for (const { name } of rows)
    readModels += JSON.stringify((await roster.storage.readModels.query(`SELECT * FROM ${name}`)).rows);
  return { events, readModels, tables: rows.length };
};
