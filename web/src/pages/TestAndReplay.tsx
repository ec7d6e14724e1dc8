// Uptime Kuma's "test" button for any target, and replay of a source's captured payloads with a
// dry-run preview first.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorLine } from '../components/Status.js';
import { useT } from '../context.js';

interface ReplayResult {
  results: { captureId: number; outcome: string; targets?: string[]; preview?: string }[];
}

export function TestAndReplay({ sources }: { sources: string[] }) {
  const { t } = useT();
  const [target, setTarget] = useState('');
  const [sent, setSent] = useState<string | undefined>();
  const [source, setSource] = useState('');
  const [dryRun, setDryRun] = useState(true);
  const [replay, setReplay] = useState<ReplayResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const test = async (e: Event) => {
    e.preventDefault();
    try {
      await api('/test', { method: 'POST', body: { target } });
      setSent(t('sources.testSent', { target }));
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const doReplay = async (e: Event) => {
    e.preventDefault();
    try {
      setReplay(await api<ReplayResult>(`/sources/${encodeURIComponent(source)}/replay`, { method: 'POST', body: { n: 1, dryRun } }));
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="tools">
      <h3>{t('sources.test')}</h3>
      <form class="inline" onSubmit={test}>
        <input name="target" placeholder={t('sources.testTarget')} value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} required />
        <button type="submit">{t('sources.test')}</button>
        {sent ? <span role="status"> {sent}</span> : null}
      </form>
      <h3>{t('sources.replay')}</h3>
      <form class="inline" onSubmit={doReplay}>
        <select name="source" value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value)} required>
          <option value="" />
          {sources.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" name="dryRun" checked={dryRun} onChange={(e) => setDryRun((e.target as HTMLInputElement).checked)} /> {t('sources.dryRun')}
        </label>
        <button type="submit">{t('sources.replay')}</button>
      </form>
      <ErrorLine error={error} />
      {replay && replay.results.length === 0 ? <p class="muted">{t('sources.noCaptures')}</p> : null}
      {replay?.results.map((r) => (
        <div key={r.captureId} class="replay">
          <strong>{r.outcome}</strong> {r.targets?.join(', ')}
          {r.preview ? <pre>{r.preview}</pre> : null}
        </div>
      ))}
    </div>
  );
}
