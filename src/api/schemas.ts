// The zod schemas of the objects /api/v1 manages: taken from the YAML config schema itself, so an
// object is valid through the API exactly when it would be valid in the file.
import * as z from 'zod';
import type { PlatformDeclaration } from '../bot.js';
import { buildConfigSchema } from '../config.js';
import type { InboundFormat } from '../inbound/format.js';

export function objectSchemas(bots: Record<string, PlatformDeclaration>, formats: Record<string, InboundFormat>) {
  const shape = buildConfigSchema(bots, formats).shape;
  const valueOf = (s: z.ZodType) => ((s as z.ZodDefault).unwrap() as z.ZodRecord).valueType as z.ZodType;
  return {
    source: valueOf(shape.sources),
    route: ((shape.routes as z.ZodDefault).unwrap() as z.ZodArray).element as z.ZodType,
    template: valueOf(shape.templates),
    person: valueOf(shape.people),
    group: valueOf(shape.groups),
  };
}

export const errorBody = z.object({ error: z.string(), problems: z.array(z.string()).optional() });
export const objectName = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/);

/** One managed object as listed: where it comes from, and whether the API may change it. */
export const listed = (value: z.ZodType) =>
  z.object({
    name: z.string(),
    origin: z.enum(['file', 'api']),
    readOnly: z.boolean(),
    value,
    updatedAt: z.number().optional(),
    updatedBy: z.string().optional(),
  });
