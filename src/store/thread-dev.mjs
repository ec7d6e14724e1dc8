// The store thread's entry when hookbot runs from its TypeScript sources (tests, `tsx`): a worker
// thread does not inherit a loader registered in-process, so it registers tsx itself. The compiled
// package starts dist/src/store/thread-main.js directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
