import { useEffect, useState } from 'preact/hooks';
import { api, whenSignedOut, type Session } from './api.js';
import { AppContext, useT } from './context.js';
import { pickLang, type Key, type Lang } from './i18n.js';
import { parseRoute, type Route } from './route.js';
import { Login } from './pages/Login.js';
import { Overview } from './pages/Overview.js';
import { Events } from './pages/Events.js';
import { EventDetail } from './pages/EventDetail.js';
import { DeadLetters } from './pages/DeadLetters.js';
import { Mutes } from './pages/Mutes.js';
import { Sources } from './pages/Sources.js';
import { Bots } from './pages/Bots.js';

const LANG_KEY = 'hookbot.lang';
const NAV: [string, Key][] = [
  ['#/', 'nav.overview'],
  ['#/events', 'nav.events'],
  ['#/dead', 'nav.dead'],
  ['#/mutes', 'nav.mutes'],
  ['#/sources', 'nav.sources'],
  ['#/bots', 'nav.bots'],
];

export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [lang, setLangState] = useState<Lang>('en');
  const [route, setRoute] = useState<Route>(parseRoute(location.hash));
  const refresh = async () => {
    const s = await api<Session>('/session');
    setSession(s);
    setLangState(pickLang(s.locale, localStorage.getItem(LANG_KEY)));
  };
  useEffect(() => {
    void refresh();
    whenSignedOut(() => setSession((s) => (s ? { ...s, signedIn: false } : s)));
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = (l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    setLangState(l);
  };
  if (!session) return null;
  return (
    <AppContext.Provider value={{ lang, timezone: session.timezone, setLang }}>
      {session.signedIn ? <Shell route={route} onSignOut={refresh} /> : <Login enabled={session.enabled} onSignedIn={refresh} />}
    </AppContext.Provider>
  );
}

function Shell({ route, onSignOut }: { route: Route; onSignOut: () => void }) {
  const { t, lang, setLang } = useT();
  const navigate = (hash: string) => {
    location.hash = hash;
  };
  const signOut = async () => {
    await api('/session', { method: 'DELETE' });
    onSignOut();
  };
  const current = route.page === 'event' ? 'events' : route.page;
  return (
    <>
      <header>
        <strong class="brand">hookbot</strong>
        <nav>
          {NAV.map(([href, key]) => (
            <a key={href} href={href} class={href.slice(2) === (current === 'overview' ? '' : current) ? 'active' : ''}>
              {t(key)}
            </a>
          ))}
        </nav>
        <label class="lang">
          <span class="sr">{t('common.language')}</span>
          <select name="lang" value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            <option value="en">English</option>
            <option value="zh-CN">中文</option>
          </select>
        </label>
        <button type="button" class="secondary small" onClick={signOut}>
          {t('nav.signOut')}
        </button>
      </header>
      <main>
        {route.page === 'overview' && <Overview />}
        {route.page === 'events' && <Events search={route.search} navigate={navigate} />}
        {route.page === 'event' && <EventDetail id={route.id} />}
        {route.page === 'dead' && <DeadLetters />}
        {route.page === 'mutes' && <Mutes />}
        {route.page === 'sources' && <Sources />}
        {route.page === 'bots' && <Bots />}
      </main>
    </>
  );
}
