import type { SecretBox } from '@roster/security';

/**
 * How a log stream's secret sink fields are stored: as JSON sealed with SecretBox, bound (AAD) to their stream so a
 * sealed value copied onto another stream does not open. The registry seals, the readers open through a
 * `SinkSecretsOpener` and so need no key themselves.
 */
export type SinkSecretsOpener = (sealed: string, context: string) => Record<string, unknown>;

export const sinkSecretsContext = (tenant: string, id: string): string => `tenant/${tenant}/log-stream/${id}/sink`;

export const sealSinkSecrets = (box: SecretBox, tenant: string, id: string, secrets: object): string =>
  box.seal(JSON.stringify(secrets), sinkSecretsContext(tenant, id));

export const sinkSecretsOpener =
  (box: SecretBox): SinkSecretsOpener =>
  (sealed, context) =>
    JSON.parse(box.openText(sealed, context)) as Record<string, unknown>;
