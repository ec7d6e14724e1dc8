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

/** The mappings of a process that have resident pages: [start, end) addresses. */
function residentRanges(pid: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let range: [number, number] | undefined;
  // smaps rather than maps: it says which mappings have nothing resident (most of V8's reserved
  // address space), so their page table entries need not be read at all.
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (head) range = [parseInt(head[1]!, 16), parseInt(head[2]!, 16)];
    else if (range && line.startsWith('Rss:') && !/^Rss:\s+0 kB/.test(line)) ranges.push(range);
  }
  return ranges;
}

/** The physical frames of a process's present pages; null when they cannot be read (not root). */
function frames(pid: number): Set<number> | null {
  const seen = new Set<number>();
  let anyPfn = false;
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const [start, end] of residentRanges(pid)) {
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
        seen.add(pfn);
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
  /** Sum of VmRSS (kB): a page shared by two of the processes counted twice. */
  rssKb: number;
  /** Sum of Pss (kB): each shared page split among all the processes of the machine that map it. */
  pssKb: number;
  /** Sum of Rss − Shared (kB): the pages no other process maps. */
  privateKb: number;
}

type Reading = { frames: Set<number> | null; roll: string };

/** Resident memory of the given processes (those gone meanwhile are skipped); `read` can be shared between calls of one instant. */
export function resident(pids: number[], read = new Map<number, Reading>()): Resident {
  const union = new Set<number>();
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
      if (own) for (const f of own) union.add(f);
      else pfns = false;
      rssKb += kb('Rss');
      pssKb += kb('Pss');
      privateKb += kb('Private_Clean') + kb('Private_Dirty');
    } catch {
      /* gone */
    }
  }
  return { unionKb: pfns ? (union.size * PAGE) / 1024 : null, rssKb, pssKb, privateKb };
}

/** `union MB (VmRSS summed, Pss summed, private)`, for a bench's report. */
export function describe(r: Resident): string {
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  return `${r.unionKb === null ? '?' : mb(r.unionKb)} MB (VmRSS summed ${mb(r.rssKb)} MB, Pss ${mb(r.pssKb)} MB, private ${mb(r.privateKb)} MB)`;
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
