// PostgreSQL schema, as versioned migrations: hookbot_migrations records those applied. They run
// at start and with `hookbot migrate`, under an advisory lock, so instances starting together
// apply each one once. Times are milliseconds since the epoch (bigint), as in the SQLite store.
export const PG_MIGRATIONS: string[] = [
  `
CREATE TABLE events (
  id text PRIMARY KEY,
  source text NOT NULL,
  dedup_key text,
  event text NOT NULL,
  level text NOT NULL,
  title text,
  notice text NOT NULL,
  answer text NOT NULL,
  created_at bigint NOT NULL
);
CREATE UNIQUE INDEX events_dedup ON events (source, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX events_created ON events (created_at);
CREATE INDEX events_source ON events (source, created_at);

CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  bot text NOT NULL,
  chat text NOT NULL,
  thread text,
  kind text NOT NULL,
  target text NOT NULL,
  silent boolean NOT NULL DEFAULT false,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_at bigint NOT NULL,
  last_error text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  claim text,
  locked_by text,
  lease_until bigint
);
-- Each chat's undelivered deliveries in order: only the head of a lane is ever claimed.
CREATE INDEX deliveries_open ON deliveries (bot, chat, id) WHERE state IN ('pending', 'sending');
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_state ON deliveries (state, updated_at);

CREATE TABLE mutes (
  id bigserial PRIMARY KEY,
  pattern text NOT NULL,
  until bigint NOT NULL,
  by text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  bot text NOT NULL,
  "user" text NOT NULL,
  chat text NOT NULL,
  command text NOT NULL,
  args text NOT NULL,
  outcome text NOT NULL,
  detail text
);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE captures (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  at bigint NOT NULL,
  headers text NOT NULL,
  query text NOT NULL,
  body text NOT NULL,
  outcome text NOT NULL
);
CREATE INDEX captures_source ON captures (source, id);

CREATE TABLE chat_moves (
  bot text NOT NULL,
  from_chat text NOT NULL,
  to_chat text NOT NULL,
  PRIMARY KEY (bot, from_chat)
);

CREATE TABLE bot_owners (
  bot text PRIMARY KEY,
  owner text NOT NULL,
  since bigint NOT NULL,
  expires_at bigint NOT NULL
);
`,
  // Lanes: each chat with undelivered work, its head (the only delivery that may be claimed) and
  // when the head is due (NULL while it is being sent). A claim locks only due heads, found through
  // lanes_due, so its cost does not grow with the backlog (postgres.ts keeps them).
  `
CREATE TABLE lanes (
  bot text NOT NULL,
  chat text NOT NULL,
  head_id bigint NOT NULL,
  next_at bigint,
  PRIMARY KEY (bot, chat)
);
CREATE INDEX lanes_due ON lanes (bot, next_at, head_id) WHERE next_at IS NOT NULL;
INSERT INTO lanes (bot, chat, head_id, next_at)
  SELECT DISTINCT ON (bot, chat) bot, chat, id, CASE WHEN state = 'pending' THEN next_at END
    FROM deliveries WHERE state IN ('pending', 'sending') ORDER BY bot, chat, id;
`,
];
