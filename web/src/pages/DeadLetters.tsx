import { useState } from 'preact/hooks';
import { api, type Delivery } from '../api.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';

export function DeadLetters() {
  const { t, time } = useT();
  const dead = useLoad(() => api<Delivery[]>('/deliveries/dead?n=200'), [], 3000);
  const [note, setNote] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const retry = async (id: number | 'all') => {
    try {
      const r = await api<{ retried: number }>(`/deliveries/${id}/retry`, { method: 'POST' });
      setNote(t('dead.retried', { n: r.retried }));
      setError(undefined);
      await dead.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <p>
        <button type="button" onClick={() => retry('all')} disabled={!dead.data?.length}>
          {t('dead.retryAll')}
        </button>
        {note ? <span class="note" role="status"> {note}</span> : null}
      </p>
      <ErrorLine error={dead.error ?? error} />
      {dead.data && dead.data.length === 0 ? <p class="muted">{t('dead.empty')}</p> : null}
      <table>
        <thead>
          <tr>
            <th>{t('col.time')}</th>
            <th>{t('col.target')}</th>
            <th>{t('col.reason')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {dead.data?.map((d) => (
            <tr key={d.id} data-delivery-id={d.id}>
              <td class="muted nowrap">{time(d.updatedAt)}</td>
              <td>
                <a href={`#/events/${encodeURIComponent(d.eventId)}`}>{d.target}</a>
              </td>
              <td class="wrap">{d.lastError ?? ''}</td>
              <td>
                <button type="button" class="small" onClick={() => retry(d.id)}>
                  {t('dead.retry')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
