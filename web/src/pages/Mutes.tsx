import { useState } from 'preact/hooks';
import { api, type Mute } from '../api.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';

export function Mutes() {
  const { t, time } = useT();
  const mutes = useLoad(() => api<Mute[]>('/mutes'), [], 5000);
  const [pattern, setPattern] = useState('');
  const [duration, setDuration] = useState('1h');
  const [error, setError] = useState<string | undefined>();
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError(undefined);
      await mutes.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            await api('/mutes', { method: 'POST', body: { pattern, duration } });
            setPattern('');
          });
        }}
      >
        <input name="pattern" placeholder={t('col.pattern')} value={pattern} onInput={(e) => setPattern((e.target as HTMLInputElement).value)} required />
        <label>
          {t('mutes.for')} <input name="duration" size={6} value={duration} onInput={(e) => setDuration((e.target as HTMLInputElement).value)} required />
        </label>
        <button type="submit">{t('mutes.add')}</button>
      </form>
      <ErrorLine error={mutes.error ?? error} />
      {mutes.data && mutes.data.length === 0 ? <p class="muted">{t('mutes.empty')}</p> : null}
      <table>
        <tbody>
          {mutes.data?.map((m) => (
            <tr key={m.id} data-mute={m.pattern}>
              <td>{m.pattern}</td>
              <td class="muted">
                {t('col.until')} {time(m.until)}
              </td>
              <td class="muted">{m.by}</td>
              <td>
                <button type="button" class="small" onClick={() => act(() => api(`/mutes/${encodeURIComponent(m.pattern)}`, { method: 'DELETE' }))}>
                  {t('mutes.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
