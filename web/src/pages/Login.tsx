import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useT } from '../context.js';

export function Login({ enabled, onSignedIn }: { enabled: boolean; onSignedIn: () => void }) {
  const { t } = useT();
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  if (!enabled)
    return (
      <main class="login">
        <h1>{t('login.off.title')}</h1>
        <p>{t('login.off.body')}</p>
        <pre>{'server:\n  apiToken: ${HOOKBOT_API_TOKEN}'}</pre>
      </main>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api('/session', { method: 'POST', body: { secret } });
      setSecret('');
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.wrong') : (err as Error).message);
    }
  };
  return (
    <main class="login">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit}>
        <label>
          {t('login.secret')}
          <input type="password" name="secret" autocomplete="current-password" value={secret} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} required />
        </label>
        <button type="submit">{t('login.submit')}</button>
        {error ? <p class="error" role="alert">{error}</p> : null}
      </form>
    </main>
  );
}
