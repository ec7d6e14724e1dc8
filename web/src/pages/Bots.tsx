import { api, type BotInfo } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorLine, HealthBadge } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';

export function Bots() {
  const { t } = useT();
  const bots = useLoad(() => api<BotInfo[]>('/bots'), [], 5000);
  return (
    <section>
      <ErrorLine error={bots.error} />
      {bots.data && bots.data.length === 0 ? <p class="muted">{t('bots.empty')}</p> : null}
      <table>
        <thead>
          <tr>
            <th>{t('col.name')}</th>
            <th>{t('col.platform')}</th>
            <th>{t('col.health')}</th>
            <th>{t('col.targets')}</th>
          </tr>
        </thead>
        <tbody>
          {bots.data?.map((b) => (
            <tr key={b.id} data-bot={b.id}>
              <td>{b.id}</td>
              <td>{b.platform}</td>
              <td>
                <HealthBadge state={b.health.state} reason={b.health.reason} />
              </td>
              <td>
                <div class="muted">{b.pattern}</div>
                {b.targets.map((x) => (
                  <div key={x.name + x.target} class="target">
                    {x.name}: <code>{x.target}</code> <CopyButton text={x.target} />
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
