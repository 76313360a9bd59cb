export * from './receiver';
export * from './payload';
export * from './splunk-hec.receiver';
export * from './sumo-logic.receiver';
export * from './loggly.receiver';
export * from './http-webhook.receiver';
