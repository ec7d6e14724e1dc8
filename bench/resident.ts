// The physical memory a tree of processes holds, each resident page counted once. Summing VmRSS
// counts twice every page two processes share: `npm start` leaves npm's node process and hookbot's
// running, and both map the same node binary, libraries and files (about 35 MB each). Instead,
// /proc/<pid>/pagemap gives the physical frame (PFN) behind every present page of each mapping;
// the union of those frames over the tree, times the page size, is what the tree keeps in RAM.
// Reading PFNs needs root (CAP_SYS_ADMIN); without it the kernel reports them as 0 and the union
// is not available (null).
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

const PAGE = 4096;
const KERNEL_HALF = 2 ** 47;

/** A process and every process under it. */
export function processTree(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(p)]);
    } catch {
      /* gone */
    }
  }
  const all: number[] = [];
  for (const todo = [pid]; todo.length; ) {
    const p = todo.pop()!;
    all.push(p);
    todo.push(...(kids.get(p) ?? []));
  }
  return all;
}

/**
 * What a mapping holds, from what /proc/<pid>/smaps says of it. Anonymous memory is told apart by
 * how glibc lays it out: the main malloc heap is [heap]; a thread's malloc heap starts at a multiple
 * of 64 MB (glibc's HEAP_MAX_SIZE); a thread's stack follows its one-page guard. The rest of it is
 * V8's heap (pages of 256 kB, code space), large mallocs and buffers.
 */
export const KINDS = ['node code', 'node read-only data', 'libraries', 'V8 heap and other anonymous', 'malloc heaps', 'thread stacks', 'files and other'] as const;
export type Kind = (typeof KINDS)[number];
type Mapping = { start: number; end: number; perms: string; path: string; resident: boolean };

function kindOf(m: Mapping, before: Mapping | undefined, after: Mapping | undefined): Kind {
  if (m.path === process.execPath) return m.perms.includes('x') ? 'node code' : 'node read-only data';
  if (/\.so(\.|$)|\.node$/.test(m.path)) return 'libraries';
  if (m.path === '[heap]') return 'malloc heaps';
  if (m.path === '[stack]') return 'thread stacks';
  if (m.path !== '') return 'files and other';
  // A thread's malloc heap: 64 MB reserved at a multiple of 64 MB, the part in use read-write.
  const heapEnd = m.start + 2 ** 26;
  if (m.perms === 'rw-p' && m.start % 2 ** 26 === 0 && (m.end === heapEnd || (after?.start === m.end && after.perms === '---p' && after.end === heapEnd))) return 'malloc heaps';
  if (m.perms === 'rw-p' && before?.end === m.start && before.perms === '---p' && before.end - before.start === PAGE) return 'thread stacks';
  return 'V8 heap and other anonymous';
}

/** The mappings of a process that have resident pages, with what each holds. */
function residentRanges(pid: number): Array<{ start: number; end: number; kind: Kind }> {
  const maps: Mapping[] = [];
  // smaps rather than maps: it says which mappings have nothing resident (most of V8's reserved
  // address space), so their page table entries need not be read at all.
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) maps.push({ start: parseInt(head[1]!, 16), end: parseInt(head[2]!, 16), perms: head[3]!, path: head[4]!, resident: false });
    else if (maps.length && line.startsWith('Rss:') && !/^Rss:\s+0 kB/.test(line)) maps.at(-1)!.resident = true;
  }
  return maps.flatMap((m, i) => (m.resident ? [{ start: m.start, end: m.end, kind: kindOf(m, maps[i - 1], maps[i + 1]) }] : []));
}

/** The physical frames of a process's present pages, with what each holds; null when they cannot be read (not root). */
function frames(pid: number): Map<number, Kind> | null {
  const seen = new Map<number, Kind>();
  let anyPfn = false;
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const { start, end, kind } of residentRanges(pid)) {
      // [vsyscall], in the kernel's half of the address space, has no entries in pagemap.
      if (start >= KERNEL_HALF) continue;
      const buf = Buffer.alloc(((end - start) / PAGE) * 8);
      const n = readSync(fd, buf, 0, buf.length, (start / PAGE) * 8);
      // Each entry is 64 bits, read as two 32-bit halves (BigInt is several times slower here):
      // bit 63 says the page is present, bits 0–54 are its frame number (swapped-out pages, bit
      // 62, are not resident and not counted).
      for (let o = 0; o + 8 <= n; o += 8) {
        const hi = buf.readUInt32LE(o + 4);
        if (!(hi & 0x8000_0000)) continue;
        const pfn = (hi & 0x7f_ffff) * 2 ** 32 + buf.readUInt32LE(o);
        if (pfn) anyPfn = true;
        seen.set(pfn, kind);
      }
    }
  } finally {
    closeSync(fd);
  }
  return anyPfn ? seen : null;
}

export interface Resident {
  /** Physical memory of the processes, each page once (kB); null when PFNs cannot be read (not root). */
  unionKb: number | null;
  /** The same pages by what they hold (kB), a page shared by two kinds counted in the first seen. */
  byKind: Partial<Record<Kind, number>>;
  /** Sum of VmRSS (kB): a page shared by two of the processes counted twice. */
  rssKb: number;
  /** Sum of Pss (kB): each shared page split among all the processes of the machine that map it. */
  pssKb: number;
  /** Sum of Rss − Shared (kB): the pages no other process maps. */
  privateKb: number;
}

type Reading = { frames: Map<number, Kind> | null; roll: string };

/** Resident memory of the given processes (those gone meanwhile are skipped); `read` can be shared between calls of one instant. */
export function resident(pids: number[], read = new Map<number, Reading>()): Resident {
  const union = new Map<number, Kind>();
  let pfns = true;
  let rssKb = 0;
  let pssKb = 0;
  let privateKb = 0;
  for (const pid of pids) {
    try {
      let r = read.get(pid);
      if (!r) read.set(pid, (r = { roll: readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), frames: frames(pid) }));
      const { roll, frames: own } = r;
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(roll)?.[1] ?? 0);
      if (!own) pfns = false;
      else for (const [f, kind] of own) if (!union.has(f)) union.set(f, kind);
      rssKb += kb('Rss');
      pssKb += kb('Pss');
      privateKb += kb('Private_Clean') + kb('Private_Dirty');
    } catch {
      /* gone */
    }
  }
  const byKind: Partial<Record<Kind, number>> = {};
  if (pfns) for (const kind of union.values()) byKind[kind] = (byKind[kind] ?? 0) + PAGE / 1024;
  return { unionKb: pfns ? (union.size * PAGE) / 1024 : null, byKind, rssKb, pssKb, privateKb };
}

/** `union MB (VmRSS summed, Pss summed, private)`, for a bench's report. */
export function describe(r: Resident): string {
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  return `${r.unionKb === null ? '?' : mb(r.unionKb)} MB (VmRSS summed ${mb(r.rssKb)} MB, Pss ${mb(r.pssKb)} MB, private ${mb(r.privateKb)} MB)`;
}

/** `node code 22.1, V8 heap and other anonymous 18.0, …` (MB, largest first), for a bench's report. */
export function describeKinds(r: Resident): string {
  return KINDS.filter((k) => r.byKind[k])
    .sort((a, b) => r.byKind[b]! - r.byKind[a]!)
    .map((k) => `${k} ${(r.byKind[k]! / 1024).toFixed(1)}`)
    .join(', ');
}

export interface Peak {
  rssKb: number;
  unionKb: number | null;
}

/**
 * Samples the memory of a process tree while something runs, and of the tree without its root
 * (hookbot alone, under npm): VmRSS summed every `everyMs`, the union of pages (tens of ms of
 * this process's CPU each time) at most every `unionEveryMs`, so the sampling leaves the cores to
 * what it measures. stop() gives the peaks seen.
 */
export function peakSampler(root: number, everyMs = 50, unionEveryMs = 250): { stop(): { tree: Peak; alone: Peak } } {
  const tree: Peak = { rssKb: 0, unionKb: 0 };
  const alone: Peak = { rssKb: 0, unionKb: 0 };
  const raise = (p: Peak, r: { rssKb: number; unionKb?: number | null }) => {
    p.rssKb = Math.max(p.rssKb, r.rssKb);
    if (r.unionKb === null || p.unionKb === null) p.unionKb = null;
    else if (r.unionKb !== undefined) p.unionKb = Math.max(p.unionKb, r.unionKb);
  };
  let lastUnion = -Infinity;
  const tick = () => {
    const pids = processTree(root);
    const kids = pids.filter((p) => p !== root);
    if (performance.now() - lastUnion >= unionEveryMs) {
      lastUnion = performance.now();
      const read = new Map<number, Reading>();
      raise(tree, resident(pids, read));
      raise(alone, resident(kids, read));
    } else {
      raise(tree, { rssKb: vmRssKb(pids) });
      raise(alone, { rssKb: vmRssKb(kids) });
    }
  };
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { tree, alone };
    },
  };
}

/** Sum of VmRSS (kB), the cheap figure. */
export function vmRssKb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    } catch {
      /* gone */
    }
  }
  return kb;
}
