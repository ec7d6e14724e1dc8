// The DeliveryError a send ends with; fails the test when it resolves or throws anything else.
import { expect } from 'vitest';
import { DeliveryError } from '../../src/bot.js';

export async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}
