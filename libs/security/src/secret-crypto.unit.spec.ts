import { generateClientSecret } from './random-ids';
import { createSecretCrypto } from './secret-crypto';
import { generateSecretsKey, parseSecretsKey } from './secrets-key';

describe('createSecretCrypto', () => {
  const text = generateSecretsKey();
  const crypto = createSecretCrypto(parseSecretsKey(text));
  const secret = generateClientSecret();

  it('is reproducible from the same SECRETS_KEY (a restart can verify stored hashes and open sealed values)', () => {
    const again = createSecretCrypto(parseSecretsKey(text));
    expect(again.clientSecrets.verify(secret, crypto.clientSecrets.hash(secret))).toBe(true);
    expect(again.box.openText(crypto.box.seal('hec-token', 'ctx'), 'ctx')).toBe('hec-token');
  });

  it('keys each purpose separately', () => {
    expect(crypto.registrationTokens.hash(secret)).not.toBe(crypto.clientSecrets.hash(secret));
    expect(crypto.registrationTokens.verify(secret, crypto.clientSecrets.hash(secret))).toBe(false);
  });

  it('another SECRETS_KEY verifies nothing', () => {
    const other = createSecretCrypto(parseSecretsKey(generateSecretsKey()));
    expect(other.clientSecrets.verify(secret, crypto.clientSecrets.hash(secret))).toBe(false);
    expect(() => other.box.open(crypto.box.seal('x'))).toThrow(
      expect.objectContaining({ code: 'sealed_value_corrupt' }),
    );
  });
});
