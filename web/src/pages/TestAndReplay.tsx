// Uptime Kuma's "test" button for any target, and a dry run of a source's captured payloads: what
// each would become now, nothing stored or sent.
import { useState } from 'preact/hooks';
import { api, type BotInfo, type Capture } from '../api.js';
import { useLoad } from '../hooks.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';

export function TestAndReplay({ sources }: { sources: string[] }) {
  const { t, time } = useT();
  const [target, setTarget] = useState('');
  const [sent, setSent] = useState<string | undefined>();
  const [source, setSource] = useState('');
  const [captures, setCaptures] = useState<Capture[] | undefined>();
  const [results, setResults] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | undefined>();
  // Suggestions for the target field: every ready-made target the Bots page lists.
  const bots = useLoad(() => api<BotInfo[]>('/bots'), []);
  const known = [...new Set(bots.data?.flatMap((b) => b.targets.map((x) => x.target)) ?? [])];
  const guard = async (f: () => Promise<void>) => {
    try {
      await f();
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const test = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      await api('/test', { method: 'POST', body: { target } });
      setSent(t('sources.testSent', { target }));
    });
  };
  const pick = (name: string) => {
    setSource(name);
    setResults({});
    if (name) void guard(async () => setCaptures(await api<Capture[]>(`/captures?source=${encodeURIComponent(name)}&n=10`)));
    else setCaptures(undefined);
  };
  const dryRun = (id: number) =>
    guard(async () => {
      const r = await api<{ result: string }>(`/captures/${id}/replay`, { method: 'POST' });
      setResults((x) => ({ ...x, [id]: r.result }));
    });
  return (
    <div class="tools">
      <h3>{t('sources.test')}</h3>
      <form class="inline" onSubmit={test}>
        <input name="target" class="wide" list="known-targets" placeholder={t('sources.testTarget')} value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} required />
        <datalist id="known-targets">
          {known.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <button type="submit">{t('sources.test')}</button>
        {sent ? <span role="status"> {sent}</span> : null}
      </form>
      <h3>{t('sources.replay')}</h3>
      <select name="replaySource" value={source} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
        <option value="">{t('sources.replayPick')}</option>
        {sources.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <ErrorLine error={error} />
      {captures && captures.length === 0 ? <p class="muted">{t('sources.noCaptures')}</p> : null}
      {captures?.map((c) => (
        <div key={c.id} class="replay" data-capture={c.id}>
          <span class="muted">{time(c.at)}</span> {c.outcome}{' '}
          <button type="button" class="small" onClick={() => dryRun(c.id)}>
            {t('sources.dryRun')}
          </button>
          {results[c.id] !== undefined ? <pre>{results[c.id]}</pre> : null}
        </div>
      ))}
    </div>
  );
}
