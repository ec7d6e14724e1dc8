import { api, type Activity, type BotInfo, type Status } from '../api.js';
import { ActivityChart } from '../components/Chart.js';
import { ErrorLine, HealthBadge, Loading, StateBadge } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';

const HOURS = 6;

export function Overview() {
  const { t, time } = useT();
  const status = useLoad(() => api<Status>('/status'), [], 2000);
  const bots = useLoad(() => api<BotInfo[]>('/bots'), [], 5000);
  const activity = useLoad(() => api<Activity>(`/activity?hours=${HOURS}`), [], 10_000);
  return (
    <section>
      <h2>{t('overview.bots')}</h2>
      <ErrorLine error={bots.error} />
      <ul class="cards">
        {bots.data?.map((b) => (
          <li key={b.id} class="card">
            <strong>{b.id}</strong> <span class="muted">{b.platform}</span>
            <div>
              <HealthBadge state={b.health.state} reason={b.health.reason} />
            </div>
          </li>
        ))}
      </ul>
      <h2>{t('overview.deliveries')}</h2>
      <ErrorLine error={status.error} />
      {status.data ? (
        <ul class="counts" data-testid="counts">
          {(['pending', 'sending', 'sent', 'dead', 'muted'] as const).map((s) => (
            <li key={s}>
              <StateBadge state={s} /> <span class="count" data-state={s}>{status.data!.deliveries[s] ?? 0}</span>
            </li>
          ))}
        </ul>
      ) : (
        <Loading />
      )}
      <h2>{t('overview.activity', { hours: HOURS })}</h2>
      <ErrorLine error={activity.error} />
      {activity.data ? <ActivityChart activity={activity.data} /> : <Loading />}
      <h2>{t('overview.lastEvents')}</h2>
      {status.data && status.data.lastEvents.length === 0 ? <p class="muted">{t('overview.none')}</p> : null}
      <table>
        <tbody>
          {status.data?.lastEvents.map((e) => (
            <tr key={e.id}>
              <td>{e.source}</td>
              <td>
                <a href={`#/events/${encodeURIComponent(e.id)}`}>{e.event}</a>
              </td>
              <td class="muted">{time(e.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
