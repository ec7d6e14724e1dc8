// The registry of inbound formats: format name → module. One line per format.
import type { InboundFormat } from './format.js';
import { report } from './report.js';
import { bettergi } from './bettergi.js';
import { onelive } from './onelive.js';
import { volcengine } from './volcengine.js';
import { bililiveRecorder } from './bililive-recorder.js';
import { blrec } from './blrec.js';
import { alertmanager } from './alertmanager.js';
import { grafana } from './grafana.js';
import { moviepilot } from './moviepilot.js';
import { generic } from './generic.js';
import { apprise } from './apprise.js';

export const formats: Record<string, InboundFormat> = {
  report,
  bettergi,
  onelive,
  volcengine,
  'bililive-recorder': bililiveRecorder,
  blrec,
  alertmanager,
  grafana,
  moviepilot,
  generic,
  apprise,
};
