// Who this process is, to a shared store: claims and bot leases are taken in this name. Never
// reused after a restart (the random part), and it names the host and pid so people can tell the
// instances apart, and so an instance can see that another one on its own host is gone.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** True when `id` names a process of this host that no longer runs (killed, crashed). */
export function isDeadLocalInstance(id: string, self: string): boolean {
  const [host, pid] = id.split(':');
  if (id === self || host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return true; // an earlier run that had our pid: not us
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
