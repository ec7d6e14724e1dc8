// The `volcengine:` config block: the OpenAPI keys hookbot uses to register itself as a Live
// callback receiver (`hookbot volcengine …`, /api/v1/volcengine/…).
import * as z from 'zod';
import { DEFAULT_ENDPOINT } from './client.js';

export const volcengineSchema = z.strictObject({
  accessKeyId: z.string({ error: 'must be a string: the AccessKeyId from 访问控制 → 密钥管理, e.g. "${VOLC_AK}"' }).min(1),
  secretAccessKey: z.string({ error: 'must be a string: the SecretAccessKey from 访问控制 → 密钥管理, e.g. "${VOLC_SK}"' }).min(1),
  /** STS temporary credentials only. */
  sessionToken: z.string().optional(),
  region: z.string().default('cn-north-1'),
  endpoint: z
    .string()
    .url({ error: 'must be an absolute URL, e.g. https://live.volcengineapi.com' })
    .refine((u) => !u.endsWith('/'), { error: "remove the trailing '/'" })
    .default(DEFAULT_ENDPOINT),
});

export type VolcengineConfig = z.output<typeof volcengineSchema>;
