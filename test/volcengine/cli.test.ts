// `hookbot volcengine register | describe | delete` against the fake Volcengine OpenAPI, as a user
// runs them; Volcengine's refusals come out with the fix and exit 1.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVolcengine } from '../fakes/volcengine/fake-volcengine.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AK = 'AKLTfakeAccessKey0001';
const SK = 'fakeSecretAccessKey0001==';
const KEY = 'volc-primary-key-0001';

function hookbot(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT }, (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err })),
  );
}

describe('hookbot volcengine', () => {
  let fake: FakeVolcengine;
  let file: string;
  const config = (sk: string) => `store: { sqlite: "${join(file, '..', 'h.db')}" }
bots: { console: { platform: console } }
sources:
  volc: { format: volcengine, keys: ["${KEY}"] }
  rec: { format: onelive, token: rec-token-0123456789abcdef }
volcengine: { accessKeyId: ${AK}, secretAccessKey: "${sk}", endpoint: "${fake.url}" }
`;
  beforeAll(async () => {
    fake = await new FakeVolcengine({ keys: { [AK]: SK } }).start();
    file = join(mkdtempSync(join(tmpdir(), 'hookbot-volc-cli-')), 'hookbot.yaml');
    writeFileSync(file, config(SK));
  });
  afterAll(async () => fake?.stop());

  it('registers with one command, then describes and deletes', async () => {
    const reg = await hookbot(['volcengine', 'register', 'volc', '--domain', 'push.example.com', '--app', 'live', '--types', 'push,push_end', '--public-url', 'https://hook.example.com', '-c', file]);
    expect(reg.err).toBe('');
    expect(reg.code).toBe(0);
    expect(reg.out).toContain('registered https://hook.example.com/hooks/volc');
    expect(reg.out).toMatch(/push \(app live\): points at this hookbot; signed with our key/);
    expect(reg.out).not.toContain(KEY);
    expect(fake.list().map((c) => [c.MessageType, c.AuthKeyPrimary, c.CallbackDetailList[0]!.URL])).toEqual([
      ['push', KEY, 'https://hook.example.com/hooks/volc'],
      ['push_end', KEY, 'https://hook.example.com/hooks/volc'],
    ]);

    const del = await hookbot(['volcengine', 'delete', 'volc', '--domain', 'push.example.com', '--app', 'live', '--public-url', 'https://hook.example.com', '-c', file]);
    expect(del.code).toBe(0);
    expect(del.out).toContain('removed https://hook.example.com/hooks/volc from push, push_end');
    expect(fake.list()).toEqual([]);
  }, 240_000);

  it('says what to fix: a wrong secret, a source of another format', async () => {
    const wrong = join(file, '..', 'wrong.yaml');
    writeFileSync(wrong, config('not-the-secret'));
    const sig = await hookbot(['volcengine', 'describe', 'volc', '--domain', 'push.example.com', '--public-url', 'https://hook.example.com', '-c', wrong]);
    expect(sig.code).toBe(1);
    expect(sig.err).toMatch(/DescribeCallback failed: SignatureDoesNotMatch .*: volcengine\.secretAccessKey does not belong to the access key/);
    expect(sig.err).not.toContain('not-the-secret');

    const fmt = await hookbot(['volcengine', 'register', 'rec', '--domain', 'push.example.com', '--public-url', 'https://hook.example.com', '-c', file]);
    expect(fmt.err).toMatch(/source 'rec' has format onelive/);
    expect(fake.calls.filter((c) => c.action === 'UpdateCallback')).toHaveLength(2);
  }, 240_000);
});
