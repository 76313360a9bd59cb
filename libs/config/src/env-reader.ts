/**
 * Small typed readers over an environment map. Every problem becomes a ConfigError whose one-line message says
 * which variable is wrong and how to fix it; `main.ts` prints that line and exits.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export const readString = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

export const requireString = (env: Env, name: string, hint: string): string => {
  const value = readString(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required: ${hint}`);
  return value;
};

export const readInt = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw))
    throw new ConfigError(`${name}=${raw} is not a whole number: set an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name}=${raw} is out of range: set an integer from ${min} to ${max}`);
  return value;
};

export const readEnum = <T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T => {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${raw} is not supported: use one of ${allowed.join(', ')}`);
  }
  return raw as T;
};

export const readUrl = (env: Env, name: string, protocols: readonly string[]): string | undefined => {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: expected something like ${protocols[0]}//host:port`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${url.protocol}`);
  }
  return raw;
};
