// What every bench does with the processes it measures: start one and wait until it listens, stop
// it, and read the CPU time it has used.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The report every ingest bench posts (bench/post.lua posts the same body). */
export const TOKEN = 'bench-token-0123456789abcdef';
export const BODY = JSON.stringify({ token: TOKEN, title: 'Backup finished', content: 'nightly backup took 5 min, 1.2 GB', send_to: [10001, '10002'], send_to_group: 20001 });

/** Starts `cmd argv` and resolves once it logs that it listens; rejects with its stderr if it exits. */
export function startChild(cmd: string, argv: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('listening on port')) resolve(child);
    });
    child.once('exit', () => reject(new Error(`${cmd} ${argv.join(' ')} exited:\n${err}`)));
  });
}

/** SIGTERM, and wait for the exit. */
export async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

/** CPU time (user + system, all threads) a process has used, in ms. */
export function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms (USER_HZ = 100)
}
