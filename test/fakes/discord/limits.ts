// Discord's message limits as the API enforces them (developers/resources/message.mdx, "Embed Limits";
// developers/reference.mdx, "Error Messages"). Violations come back as 400 {code: 50035, errors} with the
// nested `_errors` shape Discord uses, so client libraries render them as they would for real Discord.

export interface FieldError {
  code: string;
  message: string;
}
/** Discord's nested error tree: `{embeds: {0: {description: {_errors: [...]}}}}`. */
export type ErrorTree = { _errors?: FieldError[]; [key: string]: ErrorTree | FieldError[] | undefined };

export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  nonce: 25,
  commandDescription: 100,
  commandOptions: 25,
  commands: 100,
} as const;

// Discord trims leading and trailing whitespace before counting. We count UTF-16 code units, which is
// never less than what Discord counts, so the fake is at least as strict as the real API.
const len = (s: unknown) => (typeof s === 'string' ? s.trim().length : 0);

function put(tree: ErrorTree, path: (string | number)[], err: FieldError) {
  let node = tree;
  for (const p of path) node = (node[String(p)] ??= {}) as ErrorTree;
  (node._errors ??= []).push(err);
}

const maxLength = (n: number): FieldError => ({ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${n} or fewer in length.` });
const required = (): FieldError => ({ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });

/** Total characters Discord counts toward the 6000 limit, over all embeds of one message. */
export function embedChars(embeds: any[]): number {
  let n = 0;
  for (const e of embeds) {
    n += len(e?.title) + len(e?.description) + len(e?.footer?.text) + len(e?.author?.name);
    for (const f of e?.fields ?? []) n += len(f?.name) + len(f?.value);
  }
  return n;
}

/** Validates a Create Message body; returns the error tree, or undefined when it is valid. */
export function validateMessage(body: any): ErrorTree | undefined {
  const errors: ErrorTree = {};
  let bad = false;
  const fail = (path: (string | number)[], err: FieldError) => {
    bad = true;
    put(errors, path, err);
  };
  if (typeof body.content === 'string' && body.content.length > LIMITS.content) fail(['content'], maxLength(LIMITS.content));
  if (body.nonce !== undefined && String(body.nonce).length > LIMITS.nonce) fail(['nonce'], maxLength(LIMITS.nonce));
  const embeds: any[] = Array.isArray(body.embeds) ? body.embeds : [];
  if (embeds.length > LIMITS.embeds) fail(['embeds'], maxLength(LIMITS.embeds));
  embeds.forEach((e, i) => {
    if (len(e.title) > LIMITS.title) fail(['embeds', i, 'title'], maxLength(LIMITS.title));
    if (len(e.description) > LIMITS.description) fail(['embeds', i, 'description'], maxLength(LIMITS.description));
    if (len(e.footer?.text) > LIMITS.footer) fail(['embeds', i, 'footer', 'text'], maxLength(LIMITS.footer));
    if (len(e.author?.name) > LIMITS.author) fail(['embeds', i, 'author', 'name'], maxLength(LIMITS.author));
    if (e.color !== undefined && (!Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff)) {
      fail(['embeds', i, 'color'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 16777215.' });
    }
    const fields: any[] = e.fields ?? [];
    if (fields.length > LIMITS.fields) fail(['embeds', i, 'fields'], maxLength(LIMITS.fields));
    fields.forEach((f, j) => {
      if (!len(f?.name)) fail(['embeds', i, 'fields', j, 'name'], required());
      else if (len(f.name) > LIMITS.fieldName) fail(['embeds', i, 'fields', j, 'name'], maxLength(LIMITS.fieldName));
      if (!len(f?.value)) fail(['embeds', i, 'fields', j, 'value'], required());
      else if (len(f.value) > LIMITS.fieldValue) fail(['embeds', i, 'fields', j, 'value'], maxLength(LIMITS.fieldValue));
    });
  });
  if (embedChars(embeds) > LIMITS.total) {
    fail(['embeds'], { code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.total}` });
  }
  return bad ? errors : undefined;
}

/** An empty message: nothing Discord could show (50006). */
export function isEmptyMessage(body: any, fileCount: number): boolean {
  const hasContent = typeof body.content === 'string' && body.content.trim() !== '';
  return !hasContent && !(body.embeds?.length > 0) && !(body.sticker_ids?.length > 0) && !(body.components?.length > 0) && fileCount === 0 && !body.poll;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Validates a bulk-overwrite body for application commands. */
export function validateCommands(body: any): ErrorTree | undefined {
  const errors: ErrorTree = {};
  let bad = false;
  const fail = (path: (string | number)[], err: FieldError) => {
    bad = true;
    put(errors, path, err);
  };
  if (!Array.isArray(body)) {
    fail([], { code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' });
    return errors;
  }
  // At most 100 chat-input commands per scope (developers/interactions/application-commands.mdx, "Registering a Command").
  if (body.length > LIMITS.commands) fail([], maxLength(LIMITS.commands));
  body.forEach((c, i) => {
    if (typeof c?.name !== 'string' || !COMMAND_NAME.test(c.name) || c.name !== c.name.toLowerCase()) {
      fail([i, 'name'], { code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    const d = c?.description;
    if (typeof d !== 'string' || d.length < 1 || d.length > LIMITS.commandDescription) {
      fail([i, 'description'], { code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    if ((c?.options?.length ?? 0) > LIMITS.commandOptions) fail([i, 'options'], maxLength(LIMITS.commandOptions));
  });
  return bad ? errors : undefined;
}
