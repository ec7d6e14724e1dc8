// The PostgreSQL store: the shared store of several hookbot instances. A pool for queries, group
// commit for ingests (pg-ingest.ts), claims with FOR UPDATE SKIP LOCKED under a per-claim token
// and a lease, bot ownership as lease rows, and LISTEN/NOTIFY (pg-listen.ts) to wake the owner of
// a bot as soon as its work is committed.
import pg from 'pg';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Notice } from '../notice.js';
import { inTransaction, withClient } from './pg-client.js';
import { asPgStoreError } from './pg-errors.js';
import { PgGroupCommit } from './pg-ingest.js';
import { PgListener } from './pg-listen.js';
import { migratePg } from './pg-migrate.js';
import {
  CLAIM_LEASE_MS,
  DELIVERY_STATES,
  StoreUnavailable,
  type AuditEntry,
  type BotOwner,
  type Capture,
  type Claimed,
  type ClaimRef,
  type Delivery,
  type DeliveryState,
  type EventSummary,
  type IngestAnswer,
  type IngestRequest,
  type Mute,
  type RecentSend,
  type Store,
} from './store.js';
import { rowToAudit, rowToCapture, rowToDelivery, rowToSummary } from './rows.js';

// bigint columns come back as strings by default; every one here is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

const UNCLAIM = 'claim = NULL, locked_by = NULL, lease_until = NULL';

/**
 * The claim (see claimDue): $1 bots, $2 now, $3 limit, $4 instance, $5 lease end; each claimed row
 * with its event's notice (`notice_json`). Exported for bench/claim-backlog.ts's EXPLAIN.
 */
export const CLAIM_SQL = `WITH due AS (
   SELECT bot, chat, head_id FROM lanes WHERE bot = ANY($1::text[]) AND next_at <= $2
    ORDER BY next_at, head_id LIMIT $3 FOR UPDATE SKIP LOCKED),
 picked AS (SELECT d.id FROM deliveries d JOIN due ON due.head_id = d.id WHERE d.state = 'pending' FOR UPDATE OF d SKIP LOCKED),
 claimed AS (
   UPDATE deliveries d SET state = 'sending', claim = gen_random_uuid()::text, locked_by = $4, lease_until = $5, updated_at = $2
     FROM picked WHERE d.id = picked.id RETURNING d.*),
 blocked AS (UPDATE lanes l SET next_at = NULL FROM due JOIN claimed ON claimed.id = due.head_id WHERE l.bot = due.bot AND l.chat = due.chat)
 SELECT claimed.*, e.notice AS notice_json FROM claimed LEFT JOIN events e ON e.id = claimed.event_id`;



export interface PgStoreOptions {
  clock?: Clock;
  instance?: string;
  logger?: Logger;
  /** Connections in the pool (besides the one that listens). */
  poolSize?: number;
  /** Only apply the migrations (`hookbot migrate`): no listener. */
  listen?: boolean;
}

export class PgStore implements Store {
  private readonly groups: PgGroupCommit;
  private readonly listener?: PgListener;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    readonly instance: string,
    listener: PgListener | undefined,
  ) {
    this.groups = new PgGroupCommit(pool, clock);
    this.listener = listener;
  }

  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    const config: pg.PoolConfig = {
      connectionString: url,
      max: opts.poolSize ?? 10,
      // Fail fast while the database is away: the sender gets 503 and retries.
      connectionTimeoutMillis: 5000,
      statement_timeout: 15_000,
      keepAlive: true,
      application_name: 'hookbot',
    };
    const pool = new pg.Pool(config);
    // An idle connection the server closed (a restart) must not crash the process; the pool
    // opens a new one at the next query.
    pool.on('error', (e) => opts.logger?.warn({ err: e.message }, 'store: a PostgreSQL connection was lost; it is opened again when needed'));
    try {
      const applied = await migratePg(pool);
      if (applied.length) opts.logger?.info({ versions: applied }, 'store: PostgreSQL migrations applied');
    } catch (e) {
      await pool.end().catch(() => {});
      throw new StoreUnavailable(`cannot open the PostgreSQL store: ${(e as Error).message}`, { cause: e });
    }
    let listener: PgListener | undefined;
    if (opts.listen !== false) {
      listener = new PgListener({ connectionString: url, application_name: 'hookbot-listen' }, opts.logger);
      try {
        await listener.start();
      } catch (e) {
        await pool.end().catch(() => {});
        throw new StoreUnavailable(`cannot listen on the PostgreSQL store: ${(e as Error).message}`, { cause: e });
      }
    }
    return new PgStore(pool, opts.clock ?? systemClock, opts.instance ?? 'local', listener);
  }

  onWork(listener: (bot: string) => void): void {
    this.listener?.onWork(listener);
  }
  onBotsReleased(listener: () => void): void {
    this.listener?.onOwner(listener);
  }

  private async q<R extends pg.QueryResultRow = any>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (e) {
      throw asPgStoreError(e);
    }
  }

  /** Runs `fn` in one transaction on one connection. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await withClient(this.pool, (c) => inTransaction(c, () => fn(c)));
    } catch (e) {
      throw asPgStoreError(e);
    }
  }

  ingest(req: IngestRequest): Promise<IngestAnswer> {
    return this.groups.ingest(req);
  }

  async getNotice(eventId: string): Promise<Notice | undefined> {
    const r = await this.q('SELECT notice FROM events WHERE id = $1', [eventId]);
    return r.rows[0] ? (JSON.parse(r.rows[0].notice) as Notice) : undefined;
  }
  async lastEventPerSource(): Promise<EventSummary[]> {
    // One source after another through events_source (a skip scan, which PostgreSQL does not do
    // by itself for DISTINCT ON), and each one's newest row: not every event of the store.
    return (
      await this.q(
        `WITH RECURSIVE s AS (
           (SELECT source FROM events ORDER BY source LIMIT 1)
           UNION ALL
           SELECT (SELECT e.source FROM events e WHERE e.source > s.source ORDER BY e.source LIMIT 1) FROM s WHERE s.source IS NOT NULL)
         SELECT last.* FROM s CROSS JOIN LATERAL (
           SELECT * FROM events e WHERE e.source = s.source ORDER BY e.created_at DESC, e.id DESC LIMIT 1) last
         ORDER BY last.source`,
      )
    ).rows.map(rowToSummary);
  }
  async recentEvents(n: number): Promise<EventSummary[]> {
    return (await this.q('SELECT * FROM events ORDER BY created_at DESC, id DESC LIMIT $1', [n])).rows.map(rowToSummary);
  }
  async prune(before: number, limit: number): Promise<number> {
    return this.tx(async (c) => {
      const gone = await c.query(
        `WITH gone AS (
           SELECT id FROM events e WHERE created_at < $1
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.state IN ('pending', 'sending'))
            ORDER BY created_at LIMIT $2),
         dropped AS (DELETE FROM deliveries WHERE event_id IN (SELECT id FROM gone))
         DELETE FROM events WHERE id IN (SELECT id FROM gone) RETURNING id`,
        [before, limit],
      );
      await c.query('DELETE FROM audit WHERE at < $1', [before]);
      return gone.rowCount ?? 0;
    });
  }

  /**
   * The due heads of the given bots' lanes (lanes_due: only lanes that are due are read), locked
   * with SKIP LOCKED (another claimer's lanes and rows are passed over, never waited for), then
   * marked `sending` under a fresh claim token, and their lanes blocked, all in one statement.
   */
  async claimDue(now: number, limit: number, bots: readonly string[], leaseMs = CLAIM_LEASE_MS): Promise<Claimed[]> {
    if (!bots.length || limit <= 0) return [];
    const r = await this.q(
      CLAIM_SQL,
      [bots, now, limit, this.instance, now + leaseMs],
    );
    return r.rows
      .map((row): Claimed => ({
        ...rowToDelivery(row),
        claim: row.claim as string,
        leaseUntil: row.lease_until as number,
        ...(row.notice_json != null ? { notice: JSON.parse(row.notice_json as string) as Notice } : {}),
      }))
      .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id);
  }

  /**
   * Sets the lanes of these chats to their heads now (or closes them), after deliveries of theirs
   * changed state, in the caller's transaction. The lanes are locked first, in order, and only then
   * are the heads read: a commit adding to a lane meanwhile is either waited for (and seen) or comes
   * after (and finds the lane as left here).
   */
  private async refreshLanes(c: pg.PoolClient, rows: readonly { bot: string; chat: string }[], locked = false): Promise<void> {
    const keys = [...new Map(rows.map((r) => [r.bot + '\0' + r.chat, r])).values()].sort((a, b) => (a.bot < b.bot ? -1 : a.bot > b.bot ? 1 : a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : 0));
    if (!keys.length) return;
    const params = [keys.map((k) => k.bot), keys.map((k) => k.chat)];
    if (!locked) await c.query('SELECT 1 FROM lanes l JOIN unnest($1::text[], $2::text[]) p(bot, chat) ON l.bot = p.bot AND l.chat = p.chat ORDER BY l.bot, l.chat FOR UPDATE OF l', params);
    await c.query(
      `WITH h AS (
         SELECT p.bot, p.chat, x.id, x.state, x.next_at FROM unnest($1::text[], $2::text[]) p(bot, chat)
           LEFT JOIN LATERAL (SELECT id, state, next_at FROM deliveries d WHERE d.bot = p.bot AND d.chat = p.chat AND d.state IN ('pending', 'sending') ORDER BY id LIMIT 1) x ON true),
       closed AS (DELETE FROM lanes l USING h WHERE h.id IS NULL AND l.bot = h.bot AND l.chat = h.chat)
       INSERT INTO lanes (bot, chat, head_id, next_at) SELECT bot, chat, id, CASE WHEN state = 'pending' THEN next_at END FROM h WHERE id IS NOT NULL ORDER BY bot, chat
       ON CONFLICT (bot, chat) DO UPDATE SET head_id = excluded.head_id, next_at = excluded.next_at`,
      params,
    );
  }

  /** Records an outcome (an UPDATE … RETURNING bot, chat) and moves its lane on; false if the claim was not ours. */
  private async outcome(sql: string, params: unknown[]): Promise<boolean> {
    return this.tx(async (c) => {
      // The outcome, and the lock on its lane that refreshLanes takes first, in one round trip.
      const r = await c.query(`WITH done AS (${sql} RETURNING bot, chat),
           locked AS (SELECT 1 FROM lanes l JOIN done ON l.bot = done.bot AND l.chat = done.chat FOR UPDATE OF l)
         SELECT bot, chat, (SELECT count(*) FROM locked) AS locked FROM done`, params);
      await this.refreshLanes(c, r.rows, true);
      return r.rowCount === 1;
    });
  }

  async markSent(c: ClaimRef, now: number): Promise<boolean> {
    return this.outcome(`UPDATE deliveries SET state = 'sent', attempts = attempts + 1, last_error = NULL, ${UNCLAIM}, updated_at = $1 WHERE id = $2 AND claim = $3 AND state = 'sending'`, [now, c.id, c.claim]);
  }
  /**
   * The delivery stays its chat's head, due at `nextAt`: its lane is only given the new due time,
   * in the same statement (one round trip: a rate-limited worker puts heads back often).
   */
  async markRetry(c: ClaimRef, nextAt: number, error: string | undefined, now: number, countAttempt = true): Promise<boolean> {
    const r = await this.q(
      `WITH done AS (
         UPDATE deliveries SET state = 'pending', attempts = attempts + $1, next_at = $2, last_error = $3, ${UNCLAIM}, updated_at = $4
          WHERE id = $5 AND claim = $6 AND state = 'sending' RETURNING id, bot, chat),
       lane AS (UPDATE lanes l SET next_at = $2 FROM done WHERE l.bot = done.bot AND l.chat = done.chat AND l.head_id = done.id RETURNING 1)
       SELECT bot, chat, (SELECT count(*)::int FROM lane) AS lanes FROM done`,
      [countAttempt ? 1 : 0, nextAt, error ?? null, now, c.id, c.claim],
    );
    const row = r.rows[0] as { bot: string; chat: string; lanes: number } | undefined;
    if (!row) return false;
    // Not the head its lane names (an older delivery committed late): the lane is worked out again.
    if (row.lanes === 0) await this.tx((cl) => this.refreshLanes(cl, [row]));
    return true;
  }
  async markDead(c: ClaimRef, reason: string, now: number): Promise<boolean> {
    return this.outcome(`UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_error = $1, ${UNCLAIM}, updated_at = $2 WHERE id = $3 AND claim = $4 AND state = 'sending'`, [reason, now, c.id, c.claim]);
  }
  async renewClaims(claims: readonly string[], leaseUntil: number): Promise<number> {
    if (!claims.length) return 0;
    return (await this.q("UPDATE deliveries SET lease_until = $1 WHERE claim = ANY($2::text[]) AND state = 'sending'", [leaseUntil, claims])).rowCount ?? 0;
  }
  async releaseClaims(now: number, opts: { own?: boolean; deadOwners?: readonly string[] } = {}): Promise<number> {
    const owners = [...(opts.own ? [this.instance] : []), ...(opts.deadOwners ?? [])];
    return this.tx(async (c) => {
      const r = await c.query(
        `UPDATE deliveries SET state = 'pending', ${UNCLAIM}, updated_at = $1
          WHERE state = 'sending' AND (lease_until IS NULL OR lease_until < $1 OR locked_by = ANY($2::text[])) RETURNING bot, chat`,
        [now, owners],
      );
      await this.refreshLanes(c, r.rows);
      return r.rowCount ?? 0;
    });
  }
  async openBots(): Promise<string[]> {
    return (await this.q('SELECT DISTINCT bot FROM lanes ORDER BY bot')).rows.map((r) => r.bot);
  }
  async recentSends(bot: string, since: number): Promise<RecentSend[]> {
    // Through deliveries_state (state, updated_at): only the rows of the window are read.
    return (
      await this.q(
        `SELECT chat, kind, updated_at AS at FROM deliveries WHERE state = 'sent' AND updated_at >= $1 AND bot = $2
         UNION ALL SELECT chat, kind, updated_at AS at FROM deliveries WHERE state = 'sending' AND locked_by <> $3 AND bot = $2
         ORDER BY at`,
        [since, bot, this.instance],
      )
    ).rows as RecentSend[];
  }
  async claimHolders(): Promise<string[]> {
    return (await this.q("SELECT DISTINCT locked_by FROM deliveries WHERE state = 'sending' AND locked_by IS NOT NULL ORDER BY locked_by")).rows.map((r) => r.locked_by);
  }
  async getDelivery(id: number): Promise<Delivery | undefined> {
    const r = await this.q('SELECT * FROM deliveries WHERE id = $1', [id]);
    return r.rows[0] ? rowToDelivery(r.rows[0]) : undefined;
  }
  async countByState(): Promise<Record<DeliveryState, number>> {
    const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
    for (const r of (await this.q('SELECT state, COUNT(*)::int AS n FROM deliveries GROUP BY state')).rows) out[r.state as DeliveryState] = r.n;
    return out;
  }
  async deliveriesOf(eventId: string): Promise<Delivery[]> {
    return (await this.q('SELECT * FROM deliveries WHERE event_id = $1 ORDER BY id', [eventId])).rows.map(rowToDelivery);
  }
  async failed(n: number): Promise<Delivery[]> {
    return (await this.q("SELECT * FROM deliveries WHERE state = 'dead' ORDER BY updated_at DESC, id DESC LIMIT $1", [n])).rows.map(rowToDelivery);
  }
  async retry(idOrAll: number | 'all', now: number): Promise<number> {
    const sql = "UPDATE deliveries SET state = 'pending', next_at = $1, attempts = 0, updated_at = $1 WHERE state = 'dead'";
    return this.tx(async (c) => {
      const r = idOrAll === 'all' ? await c.query(sql + ' RETURNING bot, chat', [now]) : await c.query(sql + ' AND id = $2 RETURNING bot, chat', [now, idOrAll]);
      // A retried delivery may be older than its chat's head: it becomes the head.
      await this.refreshLanes(c, r.rows);
      return r.rowCount ?? 0;
    });
  }
  async setChatMove(bot: string, from: string, to: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query('INSERT INTO chat_moves (bot, from_chat, to_chat) VALUES ($1, $2, $3) ON CONFLICT (bot, from_chat) DO UPDATE SET to_chat = excluded.to_chat', [bot, from, to]);
      // Deliveries already queued for the old chat follow it too, and the two lanes become one.
      await c.query("UPDATE deliveries SET chat = $1 WHERE bot = $2 AND chat = $3 AND state IN ('pending', 'sending')", [to, bot, from]);
      await this.refreshLanes(c, [{ bot, chat: from }, { bot, chat: to }]);
    });
  }
  async chatMoves(bot: string): Promise<Record<string, string>> {
    const rows = (await this.q('SELECT from_chat, to_chat FROM chat_moves WHERE bot = $1', [bot])).rows;
    return Object.fromEntries(rows.map((r) => [r.from_chat, r.to_chat]));
  }

  async addMute(m: Omit<Mute, 'id'>): Promise<Mute> {
    const r = await this.q('INSERT INTO mutes (pattern, until, by, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [m.pattern, m.until, m.by, m.createdAt]);
    return { ...m, id: r.rows[0].id };
  }
  async removeMutes(pattern: string): Promise<number> {
    const r = pattern === 'all' ? await this.q('DELETE FROM mutes') : await this.q('DELETE FROM mutes WHERE pattern = $1', [pattern]);
    return r.rowCount ?? 0;
  }
  async activeMutes(now: number): Promise<Mute[]> {
    return (await this.q('SELECT * FROM mutes WHERE until > $1 ORDER BY until', [now])).rows.map((r) => ({ id: r.id, pattern: r.pattern, until: r.until, by: r.by, createdAt: r.created_at }));
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.q('INSERT INTO audit (at, bot, "user", chat, command, args, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [e.at, e.bot, e.user, e.chat, e.command, e.args, e.outcome, e.detail ?? null]);
  }
  async auditLog(n: number): Promise<AuditEntry[]> {
    return (await this.q('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [n])).rows.map(rowToAudit);
  }

  async capture(c: Omit<Capture, 'id'>, keep: number): Promise<void> {
    if (keep <= 0) return;
    await this.tx(async (cl) => {
      await cl.query('INSERT INTO captures (source, at, headers, query, body, outcome) VALUES ($1, $2, $3, $4, $5, $6)', [c.source, c.at, JSON.stringify(c.headers), JSON.stringify(c.query), c.body, c.outcome]);
      await cl.query('DELETE FROM captures WHERE source = $1 AND id NOT IN (SELECT id FROM captures WHERE source = $1 ORDER BY id DESC LIMIT $2)', [c.source, keep]);
    });
  }
  async captures(source: string, n: number): Promise<Capture[]> {
    return (await this.q('SELECT * FROM captures WHERE source = $1 ORDER BY id DESC LIMIT $2', [source, n])).rows.map(rowToCapture);
  }

  async acquireBots(bots: readonly string[], now: number, leaseUntil: number): Promise<string[]> {
    if (!bots.length) return [];
    const r = await this.q(
      `INSERT INTO bot_owners (bot, owner, since, expires_at) SELECT b, $2, $3, $4 FROM unnest($1::text[]) b
       ON CONFLICT (bot) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
         since = CASE WHEN bot_owners.owner = excluded.owner THEN bot_owners.since ELSE excluded.since END
       WHERE bot_owners.expires_at < excluded.since OR bot_owners.owner = excluded.owner
       RETURNING bot`,
      [bots, this.instance, now, leaseUntil],
    );
    const mine = new Set(r.rows.map((x) => x.bot as string));
    return bots.filter((b) => mine.has(b));
  }
  async releaseBots(bots: readonly string[]): Promise<void> {
    if (!bots.length) return;
    await this.tx(async (c) => {
      await c.query('DELETE FROM bot_owners WHERE bot = ANY($1::text[]) AND owner = $2', [bots, this.instance]);
      await c.query("SELECT pg_notify('hookbot_owner', $1)", [this.instance]);
    });
  }
  async takeBot(bot: string, deadOwner: string, now: number, leaseUntil: number): Promise<boolean> {
    const r = await this.q('UPDATE bot_owners SET owner = $1, since = $2, expires_at = $3 WHERE bot = $4 AND owner = $5', [this.instance, now, leaseUntil, bot, deadOwner]);
    return r.rowCount === 1;
  }
  async botOwners(): Promise<BotOwner[]> {
    return (await this.q('SELECT * FROM bot_owners ORDER BY bot')).rows.map((r) => ({ bot: r.bot, owner: r.owner, since: r.since, expiresAt: r.expires_at }));
  }

  async close(): Promise<void> {
    await this.groups.idle();
    await this.listener?.stop();
    await this.pool.end();
  }
}
