import { decodeIntegrationEventMessage, type IntegrationEvent } from '@roster/integration-events';
import { describeWithService, kafkaBrokers, testKafka, uniqueGroupId, uniqueTopic } from '@roster/testing';
import { useAllInOne } from './support-http';

/**
 * The registry publishes its changes for other services: with KAFKA_BROKERS set, the all-in-one process relays
 * application and client grant changes to the integration topic as CloudEvents, and no secret goes with them.
 */
describeWithService('kafka', 'integration events from a running registry', () => {
  const topic = uniqueTopic('roster-integration-e2e');
  const { admin } = useAllInOne({ KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_INTEGRATION_TOPIC: topic });

  /** Reads the topic from the start until `done` holds for what arrived (or 30 s pass). */
  const readTopic = async (done: (events: IntegrationEvent[]) => boolean): Promise<IntegrationEvent[]> => {
    const consumer = testKafka('integration-e2e').consumer({ groupId: uniqueGroupId('integration-e2e') });
    const events: IntegrationEvent[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} integration events in 30 s`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            events.push(decodeIntegrationEventMessage(message));
            if (done(events)) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return events;
  };

  it('publishes a registration, a secret rotation and a removal in order, with no secret', async () => {
    const created = await admin.api.post('clients', { name: 'Published', app_type: 'non_interactive' });
    expect(created.status).toBe(201);
    const { client_id, client_secret } = created.body as { client_id: string; client_secret: string };
    const rotated = await admin.api.post(`clients/${client_id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect((await admin.api.delete(`clients/${client_id}`)).status).toBe(204);

    const subject = `applications/${client_id}`;
    const events = await readTopic((all) =>
      all.some((e) => e.subject === subject && e.type === 'com.roster.application.removed.v1'),
    );
    const mine = events.filter((e) => e.subject === subject);
    expect(mine.map((e) => e.type)).toEqual([
      'com.roster.application.registered.v1',
      'com.roster.application.secret_rotated.v1',
      'com.roster.application.removed.v1',
    ]);
    expect(mine.every((e) => e.source === '/tenants/default')).toBe(true);
    expect(new Set(mine.map((e) => e.id)).size).toBe(3);
    const text = JSON.stringify(events);
    expect(text).not.toContain(client_secret);
    expect(text).not.toContain((rotated.body as { client_secret: string }).client_secret);
    expect(text).not.toMatch(/secret_hash|access_token_hash|h1\./);
  });
});
