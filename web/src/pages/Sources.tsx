import { useState } from 'preact/hooks';
import { api, type SourceInfo, type SourceSaved } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';
import { bodyToDraft, draftToBody, FORMATS, type SourceDraft } from '../sourceForm.js';
import { TestAndReplay } from './TestAndReplay.js';

const EMPTY: SourceDraft = { name: '', format: 'report', token: '', to: '', toGroup: '', extra: '' };

export function Sources() {
  const { t } = useT();
  const sources = useLoad(() => api<SourceInfo[]>('/sources'), [], 10_000);
  const [draft, setDraft] = useState<SourceDraft | undefined>();
  const [editing, setEditing] = useState<string | undefined>();
  const [created, setCreated] = useState<{ name: string; url: string } | undefined>();
  const [error, setError] = useState<string | undefined>();

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    try {
      const body = draftToBody(draft);
      const r = await api<SourceSaved>(`/sources/${encodeURIComponent(draft.name)}`, { method: 'PUT', body });
      // The full URL (with a new token) is in this answer only; the list shows it masked.
      if (r.token || !editing) setCreated({ name: r.name, url: r.url });
      setDraft(undefined);
      setEditing(undefined);
      setError(undefined);
      await sources.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async (name: string) => {
    if (!confirm(t('sources.confirmDelete', { name }))) return;
    try {
      await api(`/sources/${encodeURIComponent(name)}`, { method: 'DELETE' });
      await sources.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const set = (k: keyof SourceDraft) => ({
    value: draft?.[k] ?? '',
    onInput: (e: Event) => setDraft({ ...(draft ?? EMPTY), [k]: (e.target as HTMLInputElement).value }),
  });

  return (
    <section>
      {created ? (
        <div class="created" role="status">
          <p>{t('sources.tokenOnce')}</p>
          <code data-testid="created-url">{created.url}</code> <CopyButton text={created.url} />
        </div>
      ) : null}
      {draft ? (
        <form class="editor" onSubmit={save}>
          <label>
            {t('col.name')}
            <input name="name" {...set('name')} disabled={!!editing} required />
          </label>
          <label>
            {t('col.format')}
            <select name="format" {...set('format')}>
              {FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <label>
            token
            <input name="token" {...set('token')} placeholder="(generated)" autocomplete="off" />
          </label>
          <label>
            to
            <input name="to" {...set('to')} />
          </label>
          <label>
            to_group
            <input name="to_group" {...set('toGroup')} />
          </label>
          <label>
            JSON
            <textarea name="extra" rows={3} {...set('extra')} />
          </label>
          <button type="submit">{t('sources.save')}</button>{' '}
          <button type="button" class="secondary" onClick={() => (setDraft(undefined), setEditing(undefined))}>
            {t('sources.cancel')}
          </button>
        </form>
      ) : (
        <p>
          <button type="button" onClick={() => (setCreated(undefined), setDraft({ ...EMPTY }))}>
            {t('sources.create')}
          </button>
        </p>
      )}
      <ErrorLine error={sources.error ?? error} />
      <table>
        <thead>
          <tr>
            <th>{t('col.name')}</th>
            <th>{t('col.format')}</th>
            <th>{t('col.url')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sources.data?.map((s) => (
            <tr key={s.name} data-source={s.name}>
              <td>{s.name}</td>
              <td>{s.format}</td>
              <td class="wrap">
                <code>{sourceUrl(s)}</code> <CopyButton text={sourceUrl(s)} />
                {s.paste ? <div class="muted small">{s.paste}</div> : null}
              </td>
              <td class="nowrap">
                {s.readOnly ? (
                  <span class="muted">{t('sources.fromFile')}</span>
                ) : (
                  <>
                    <button type="button" class="small" onClick={() => (setEditing(s.name), setDraft(bodyToDraft(s.name, s.value)))}>
                      {t('sources.edit')}
                    </button>{' '}
                    <button type="button" class="small danger" onClick={() => remove(s.name)}>
                      {t('sources.delete')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TestAndReplay sources={sources.data?.map((s) => s.name) ?? []} />
    </section>
  );
}

/** The server's URL for the sender (token masked), else this origin and the source's path. */
function sourceUrl(s: SourceInfo): string {
  return s.url ?? location.origin + s.path;
}
