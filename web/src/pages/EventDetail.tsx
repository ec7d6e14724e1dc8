import { api, type EventDetail as Detail, type Preview } from '../api.js';
import { ErrorLine, Loading, StateBadge } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';

export function EventDetail({ id }: { id: string }) {
  const { t, time } = useT();
  const ev = useLoad(() => api<Detail>(`/events/${encodeURIComponent(id)}`), [id], 2000);
  const previews = useLoad(() => api<Preview[]>(`/events/${encodeURIComponent(id)}/preview`), [id]);
  if (ev.error) return <ErrorLine error={ev.error} />;
  if (!ev.data) return <Loading />;
  const e = ev.data;
  const n = e.notice;
  return (
    <section>
      <p>
        <a href="#/events">← {t('event.back')}</a>
      </p>
      <h2>
        {n.title || n.event} <span class="muted">{n.source} · {n.event} · {time(Date.parse(n.time))}</span>
      </h2>
      <h3>{t('event.deliveries')}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('col.target')}</th>
            <th>{t('col.state')}</th>
            <th>{t('col.attempts')}</th>
            <th>{t('col.error')}</th>
          </tr>
        </thead>
        <tbody>
          {e.deliveries.map((d) => (
            <tr key={d.id}>
              <td>{d.target}</td>
              <td>
                <StateBadge state={d.state} />
              </td>
              <td>{d.attempts}</td>
              <td class="wrap">{d.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('event.preview')}</h3>
      <ErrorLine error={previews.error} />
      <div class="previews">
        {previews.data?.map((p) => (
          <figure key={p.bot} class="preview" data-platform={p.platform}>
            <figcaption>
              {p.bot} <span class="muted">{p.platform} · {p.format}</span>
            </figcaption>
            <pre>{p.text}</pre>
          </figure>
        ))}
      </div>
      <h3>{t('event.notice')}</h3>
      <pre>{JSON.stringify(n, null, 2)}</pre>
      {e.payload ? (
        <>
          <h3>{t('event.raw')}</h3>
          <pre data-testid="raw">{pretty(e.payload.body)}</pre>
        </>
      ) : null}
    </section>
  );
}

/** A JSON body indented for reading; any other body as it came. */
export function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
