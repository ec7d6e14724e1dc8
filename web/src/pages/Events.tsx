import { useState } from 'preact/hooks';
import { api, type EventSummary } from '../api.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';
import { useLoad } from '../hooks.js';
import { filterToQuery, olderPage, queryToFilter, type EventFilter } from '../query.js';

const LEVELS = ['info', 'success', 'warning', 'error'];
const PAGE = 100;

export function Events({ search, navigate }: { search: string; navigate: (hash: string) => void }) {
  const { t, time } = useT();
  const filter = queryToFilter(search);
  const [draft, setDraft] = useState<EventFilter>(filter);
  const q = filterToQuery(filter, { n: PAGE });
  // Refreshed every second: a webhook posted from a terminal shows up without reloading.
  const events = useLoad(() => api<EventSummary[]>(`/events${q}`), [q], 1000);
  // Read from the form itself: a select's change comes in the same task as its input, before the
  // draft state has been rendered, so the draft would still hold the previous choice.
  const apply = (e: Event) => {
    e.preventDefault();
    navigate(`#/events${filterToQuery(formFilter(e.currentTarget as HTMLFormElement))}`);
  };
  const field = (k: keyof EventFilter) => ({
    value: draft[k] ?? '',
    onInput: (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value }),
  });
  return (
    <section>
      <form class="filters" onSubmit={apply} onChange={apply}>
        <input name="source" placeholder={t('events.filter.source')} {...field('source')} />
        <input name="event" placeholder={t('events.filter.event')} {...field('event')} />
        <select name="level" {...field('level')}>
          <option value="">{t('events.filter.level')}: {t('events.filter.any')}</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <input name="q" type="search" placeholder={t('events.filter.text')} {...field('q')} />
      </form>
      <ErrorLine error={events.error} />
      {events.data && events.data.length === 0 ? <p class="muted">{t('events.empty')}</p> : null}
      <table class="events">
        <thead>
          <tr>
            <th>{t('col.time')}</th>
            <th>{t('col.source')}</th>
            <th>{t('col.event')}</th>
            <th>{t('col.level')}</th>
            <th>{t('col.title')}</th>
          </tr>
        </thead>
        <tbody>
          {events.data?.map((e) => (
            <tr key={e.id} data-event-id={e.id}>
              <td class="muted nowrap">{time(e.createdAt)}</td>
              <td>{e.source}</td>
              <td>{e.event}</td>
              <td class={`level-${e.level}`}>{e.level}</td>
              <td>
                <a href={`#/events/${encodeURIComponent(e.id)}`}>{e.title || e.id}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="pager">
        {filter.before ? (
          <a href={`#/events${filterToQuery({ ...filter, before: undefined })}`}>{t('events.newest')}</a>
        ) : null}{' '}
        {events.data && events.data.length === PAGE ? (
          <button type="button" class="secondary small" onClick={() => navigate(`#/events${filterToQuery(olderPage(filter, events.data![events.data!.length - 1]!.createdAt))}`)}>
            {t('events.more')}
          </button>
        ) : null}
      </p>
    </section>
  );
}

/** The filter as the form's fields hold it now. */
export function formFilter(form: HTMLFormElement): EventFilter {
  const f: EventFilter = {};
  for (const k of ['source', 'event', 'level', 'q'] as const) {
    const v = (form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null)?.value.trim();
    if (v) f[k] = v;
  }
  return f;
}
