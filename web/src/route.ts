// Hash routes (`#/events?source=bgi`, `#/events/<id>`): the server serves one index.html and never
// needs to know the dashboard's pages.
export type Route =
  | { page: 'overview' }
  | { page: 'events'; search: string }
  | { page: 'event'; id: string }
  | { page: 'dead' }
  | { page: 'mutes' }
  | { page: 'sources' }
  | { page: 'bots' };

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = h.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'events':
      return parts[1] ? { page: 'event', id: decodeURIComponent(parts[1]) } : { page: 'events', search };
    case 'dead':
      return { page: 'dead' };
    case 'mutes':
      return { page: 'mutes' };
    case 'sources':
      return { page: 'sources' };
    case 'bots':
      return { page: 'bots' };
    default:
      return { page: 'overview' };
  }
}
