// SQLite schema, as versioned migrations (PRAGMA user_version counts those applied).
// deliveries_open orders each chat's undelivered deliveries: only the oldest (the head of the
// chat's lane) is ever claimed, which keeps each chat's messages in order.
const V1 = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  dedup_key TEXT,
  event TEXT NOT NULL,
  level TEXT NOT NULL,
  title TEXT,
  notice TEXT NOT NULL,
  answer TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_dedup ON events (source, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_created ON events (created_at);

CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  bot TEXT NOT NULL,
  chat TEXT NOT NULL,
  thread TEXT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  silent INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (bot, chat, id) WHERE state IN ('pending', 'sending');
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_id);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (state, updated_at);


CREATE TABLE IF NOT EXISTS mutes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pattern TEXT NOT NULL,
  until INTEGER NOT NULL,
  by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  bot TEXT NOT NULL,
  user TEXT NOT NULL,
  chat TEXT NOT NULL,
  command TEXT NOT NULL,
  args TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT
);

CREATE TABLE IF NOT EXISTS captures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  headers TEXT NOT NULL,
  query TEXT NOT NULL,
  body TEXT NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_source ON captures (source, id);

CREATE TABLE IF NOT EXISTS chat_moves (
  bot TEXT NOT NULL,
  from_chat TEXT NOT NULL,
  to_chat TEXT NOT NULL,
  PRIMARY KEY (bot, from_chat)
);
`;

// Claims carry their holder and a lease; bots have one owner at a time.
const V2 = `
ALTER TABLE deliveries ADD COLUMN claim TEXT;
ALTER TABLE deliveries ADD COLUMN locked_by TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
CREATE TABLE IF NOT EXISTS bot_owners (
  bot TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  since INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

// Lanes: each chat with undelivered work, its head (the oldest undelivered delivery, the only one
// that may be claimed) and when that head is due (NULL while it is being sent: the chat is blocked).
// A claim reads only the due heads through lanes_due, so its cost does not grow with the backlog.
// Kept in the same transactions as the deliveries they describe (sqlite.ts).
export const LANES_REBUILD = `
DELETE FROM lanes;
INSERT INTO lanes (bot, chat, head_id, next_at)
  SELECT d.bot, d.chat, d.id, CASE WHEN d.state = 'pending' THEN d.next_at END FROM deliveries d
   WHERE d.id IN (SELECT MIN(id) FROM deliveries WHERE state IN ('pending', 'sending') GROUP BY bot, chat);
`;
const V3 = `
CREATE TABLE IF NOT EXISTS lanes (
  bot TEXT NOT NULL,
  chat TEXT NOT NULL,
  head_id INTEGER NOT NULL,
  next_at INTEGER,
  PRIMARY KEY (bot, chat)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lanes_due ON lanes (bot, next_at, head_id) WHERE next_at IS NOT NULL;
${LANES_REBUILD}
`;

// An event's deliveries are found by their id range, kept on the event (they are written in one
// transaction, one after the other, so their ids are the event's alone), rather than through an
// index on deliveries.event_id that every delivery written paid for: ~1 µs CPU each.
const V4 = `
ALTER TABLE events ADD COLUMN first_delivery INTEGER;
ALTER TABLE events ADD COLUMN last_delivery INTEGER;
UPDATE events SET (first_delivery, last_delivery) = (SELECT MIN(id), MAX(id) FROM deliveries WHERE event_id = events.id);
DROP INDEX IF EXISTS deliveries_event;
`;

// Pending deliveries leave deliveries_state (state, updated_at): they are found through
// deliveries_open and the lanes, and each webhook's deliveries are written without a third index to
// keep (~4 µs CPU per 3-target webhook, and a sixth fewer pages for each group commit to write and
// sync). A claim adds its delivery to the index, as it moved it within the index before.
const V5 = `
DROP INDEX IF EXISTS deliveries_state;
CREATE INDEX deliveries_state ON deliveries (state, updated_at) WHERE state <> 'pending';
`;

// An event an older hookbot wrote after V4 has no range (it does not know the columns): prune and
// the open of a store (right after the migrations, so also the events V4 found no delivery for)
// find such events through events_unranged and give them their range, read from deliveries in one
// pass (no index on event_id). An event without deliveries gets the empty range 1..0, so that
// NULL means only "not yet worked out".
export const RANGE_UNRANGED = `
UPDATE events SET first_delivery = r.lo, last_delivery = r.hi
  FROM (SELECT event_id, MIN(id) AS lo, MAX(id) AS hi FROM deliveries
         WHERE event_id IN (SELECT id FROM events INDEXED BY events_unranged WHERE first_delivery IS NULL) GROUP BY event_id) AS r
 WHERE events.id = r.event_id AND events.first_delivery IS NULL;
UPDATE events SET first_delivery = 1, last_delivery = 0 WHERE first_delivery IS NULL;
`;

/** Before RANGE_UNRANGED: the unranged events' sources get them as their newest where they are. */
export const SOURCE_LAST_OF_UNRANGED = `
INSERT INTO source_last (source, event_id, created_at)
  SELECT source, id, created_at FROM events INDEXED BY events_unranged WHERE first_delivery IS NULL ORDER BY created_at, id
  ON CONFLICT (source) DO UPDATE SET event_id = excluded.event_id, created_at = excluded.created_at
   WHERE (excluded.created_at, excluded.event_id) > (source_last.created_at, source_last.event_id);
`;

// Cheap reads on a big store, without a cost per webhook:
// - deliveries_deleted counts the deliveries ever deleted (a trigger, so whatever deletes them
//   counts: prune, an older hookbot's prune). With AUTOINCREMENT every id up to
//   sqlite_sequence's was used once, so the deliveries stored are that minus the deleted; the
//   'sent' ones are those minus the other states, counted through deliveries_state and deliveries_open.
// - source_last names each source's newest event (by created_at, then id), set once per group
//   commit and moved back by prune when it removes one.
const V6 = `
CREATE INDEX IF NOT EXISTS events_unranged ON events (created_at) WHERE first_delivery IS NULL;
CREATE TABLE IF NOT EXISTS tallies (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO tallies (name, n)
  SELECT 'deliveries_deleted', COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'), 0) - (SELECT COUNT(*) FROM deliveries);
CREATE TRIGGER IF NOT EXISTS deliveries_deleted AFTER DELETE ON deliveries
BEGIN
  UPDATE tallies SET n = n + 1 WHERE name = 'deliveries_deleted';
END;
CREATE TABLE IF NOT EXISTS source_last (
  source TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO source_last (source, event_id, created_at)
  SELECT m.source, (SELECT MAX(e.id) FROM events e INDEXED BY events_created WHERE e.created_at = m.at AND e.source = m.source), m.at
    FROM (SELECT source, MAX(created_at) AS at FROM events GROUP BY source) AS m;
`;

export const MIGRATIONS: string[] = [V1, V2, V3, V4, V5, V6];
