// The built-in commands, in the order help lists them.
import type { Command } from '../command.js';
import { audit } from './audit.js';
import { failed, retry } from './failed.js';
import { help } from './help.js';
import { mute, mutes, unmute } from './mute.js';
import { recent } from './recent.js';
import { status } from './status.js';
import { test } from './test.js';
import { whoami } from './whoami.js';
import { volc } from './volc.js';

export const builtinCommands: Command[] = [help, whoami, status, recent, failed, mutes, test, mute, unmute, retry, audit, volc];
