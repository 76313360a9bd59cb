import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/**
 * The key that encrypts private keys and sink credentials and keys the secret hashes. Split mode must be given
 * SECRETS_KEY (the config reader enforces it); all-in-one generates one into DATA_DIR on first start and keeps it.
 */
export const loadOrCreateSecretsKey = async (configured: string | undefined, dataDir: string): Promise<string> => {
  if (configured) return configured;
  const file = path.join(dataDir, 'secrets.key');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  // wx: never overwrite a key another process wrote in the meantime.
  await fs.writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return (await fs.readFile(file, 'utf8')).trim();
};
