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

export const MIGRATIONS: string[] = [V1, V2];
