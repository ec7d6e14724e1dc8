// The body rules of the Live callback actions, as the real API states them
// (reference/volcengine-openapi.md §4, §6). A violation is a 400 naming the field.
import type { GatewayError } from './auth.js';

export const TYPES = ['push', 'push_end', 'snapshot', 'record', 'audit_snapshot'];
const bad = (Code: string, Message: string): GatewayError => ({ status: 400, Code, CodeN: Code === 'MissingParameter' ? 100002 : 100001, Message });

function scope(b: Record<string, unknown>, typeRequired: boolean): GatewayError | undefined {
  const hasV = typeof b.Vhost === 'string' && b.Vhost !== '';
  const hasD = typeof b.Domain === 'string' && b.Domain !== '';
  if (hasV === hasD) return bad(hasV ? 'InvalidParameter' : 'MissingParameter', 'exactly one of Vhost or Domain must be given');
  if (hasD && b.App) return bad('InvalidParameter', 'App cannot be given with Domain');
  if (b.App !== undefined && b.App !== '' && (typeof b.App !== 'string' || !/^[A-Za-z0-9_.-]{1,30}$/.test(b.App))) return bad('InvalidParameter', 'App must be 1-30 letters, digits, _ . or -');
  if (typeRequired && b.MessageType === undefined) return bad('MissingParameter', 'MessageType is required');
  if (b.MessageType !== undefined && b.MessageType !== '' && !TYPES.includes(b.MessageType as string)) return bad('InvalidParameter', `MessageType must be one of ${TYPES.join(', ')}`);
  return undefined;
}

export function checkUpdate(b: Record<string, unknown>): GatewayError | undefined {
  const s = scope(b, true);
  if (s) return s;
  const list = b.CallbackDetailList;
  if (!Array.isArray(list) || list.length === 0) return bad('MissingParameter', 'CallbackDetailList is required');
  for (const d of list as Record<string, unknown>[]) {
    if (d?.CallbackType !== 'http') return bad('InvalidParameter', 'CallbackDetailList.CallbackType must be http');
    const url = d.URL;
    if (typeof url !== 'string' || url.length < 1 || url.length > 100 || !/^https?:\/\//.test(url)) return bad('InvalidParameter', 'CallbackDetailList.URL must be an http(s) URL of 1-100 characters');
  }
  if (b.AuthEnable !== undefined && typeof b.AuthEnable !== 'boolean') return bad('InvalidParameter', 'AuthEnable must be a boolean');
  if (b.AuthEnable === true && (typeof b.AuthKeyPrimary !== 'string' || b.AuthKeyPrimary === '')) return bad('MissingParameter', 'AuthKeyPrimary is required when AuthEnable is true');
  if (b.TranscodeCallback !== undefined && b.TranscodeCallback !== 0 && b.TranscodeCallback !== 1) return bad('InvalidParameter', 'TranscodeCallback must be 0 or 1');
  return undefined;
}

export const checkQuery = (b: Record<string, unknown>) => scope(b, false);
