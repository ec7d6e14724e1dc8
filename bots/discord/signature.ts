// Discord signs every HTTP interaction with Ed25519 over `timestamp + raw body`
// (developers/interactions/overview.mdx, "Security and Authorization"); node:crypto verifies it.
// Discord also sends deliberately bad signatures to check that the endpoint answers 401.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (64 hex characters from the Developer Portal) as a KeyObject. */
export function publicKeyFromHex(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('publicKey must be the 64 hex characters shown as "Public Key" in the Developer Portal');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** True when `signatureHex` is the application's signature of `timestamp + body`. Never throws. */
export function verifyInteraction(key: KeyObject, signatureHex: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
