// The Web API and Socket Mode clients log through @slack/logger's interface (re-exported by
// @slack/web-api); route that into our pino logger, with tokens masked (the clients put request
// URLs, bodies and envelopes in their debug lines).
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from 'pino';
import { maskSecrets } from './errors.js';

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

export function slackLogger(log: Logger, secrets: readonly string[], level: LogLevel = LogLevel.WARN): SlackLogger {
  let min = level;
  const text = (msg: unknown[]) =>
    maskSecrets(msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' '), secrets);
  const at = (l: LogLevel, write: (s: string) => void) => (...msg: unknown[]) => {
    if (ORDER.indexOf(l) >= ORDER.indexOf(min)) write(text(msg));
  };
  return {
    debug: at(LogLevel.DEBUG, (s) => log.debug(s)),
    info: at(LogLevel.INFO, (s) => log.info(s)),
    warn: at(LogLevel.WARN, (s) => log.warn(s)),
    error: at(LogLevel.ERROR, (s) => log.error(s)),
    setLevel: (l) => (min = l),
    getLevel: () => min,
    setName: () => {},
  };
}
