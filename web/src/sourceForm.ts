// The source editor's form ⇄ the body of PUT /api/v1/sources/<name>: the fields most people set,
// plus any other option as JSON, so nothing the config schema allows is out of reach.
export interface SourceDraft {
  name: string;
  format: string;
  token: string;
  to: string;
  toGroup: string;
  /** More options as a JSON object, e.g. {"capture": 50}. */
  extra: string;
}

export const FORMATS = ['report', 'bettergi', 'onelive', 'bililive-recorder', 'blrec', 'volcengine', 'moviepilot', 'alertmanager', 'grafana', 'apprise', 'generic'];

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Throws an Error naming the field when the draft cannot be sent. */
export function draftToBody(d: SourceDraft): Record<string, unknown> {
  if (!/^[a-zA-Z0-9_-]+$/.test(d.name)) throw new Error('name: use letters, digits, - and _ only');
  let extra: Record<string, unknown> = {};
  if (d.extra.trim()) {
    try {
      extra = JSON.parse(d.extra) as Record<string, unknown>;
    } catch {
      throw new Error('more options: not valid JSON (write an object like {"capture": 50})');
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('more options: must be a JSON object');
  }
  const body: Record<string, unknown> = { ...extra, format: d.format };
  if (d.token.trim()) body['token'] = d.token.trim();
  if (list(d.to).length) body['to'] = list(d.to);
  if (list(d.toGroup).length) body['to_group'] = list(d.toGroup);
  return body;
}

export function bodyToDraft(name: string, cfg: Record<string, unknown>): SourceDraft {
  const { format, token: _token, to, to_group, ...rest } = cfg as { format?: string; token?: string; to?: string[]; to_group?: string[] };
  return {
    name,
    format: format ?? 'generic',
    // The stored token is never sent back; leaving it empty keeps it.
    token: '',
    to: (to ?? []).join(', '),
    toGroup: (to_group ?? []).join(', '),
    extra: Object.keys(rest).length ? JSON.stringify(rest) : '',
  };
}
