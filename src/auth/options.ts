// Per-source security options (HMAC signatures, IP allow-list, request rate). Merged into every
// source's config schema by src/config.ts.
import { z } from 'zod';

export const sourceSecurityShape = {} satisfies z.ZodRawShape;
