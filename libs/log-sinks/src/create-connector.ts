import { RosterError } from '@roster/errors';
import type { ConnectorOptions, SinkConnector } from './connector';
import { createHttpWebhookConnector } from './http-webhook.connector';
import { createLogglyConnector } from './loggly.connector';
import { checkSinkConfig, type SinkConfig } from './sink-config';
import { createSplunkHecConnector } from './splunk-hec.connector';
import { createSumoLogicConnector } from './sumo-logic.connector';

/**
 * The connector for a stream's sink. The configuration is checked again here (it may come from storage written by an
 * older version); a bad one throws RosterError `invalid_sink_config` whose messages never contain a secret.
 */
export const createConnector = (config: SinkConfig, options: ConnectorOptions = {}): SinkConnector => {
  const problems = checkSinkConfig(config.type, config.sink, 'create');
  if (problems.length > 0) {
    throw new RosterError('validation', 'invalid_sink_config', problems[0], { details: { problems } });
  }
  switch (config.type) {
    case 'splunk':
      return createSplunkHecConnector(config.sink, options);
    case 'sumo':
      return createSumoLogicConnector(config.sink, options);
    case 'http':
      return createHttpWebhookConnector(config.sink, options);
    case 'loggly':
      return createLogglyConnector(config.sink, options);
    default: {
      const unknown: never = config;
      throw new RosterError('validation', 'invalid_sink_config', `Unknown sink type ${(unknown as SinkConfig).type}`);
    }
  }
};
