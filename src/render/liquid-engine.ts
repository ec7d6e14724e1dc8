// Every liquidjs engine hookbot makes. The locale is given: without it liquidjs asks Intl for the
// machine's at construction, which loads ICU's locale data (about 8 MB resident, 50 ms) at start
// before any template runs; given, the `date` filter also names months alike on every machine.
import { Liquid, type LiquidOptions } from 'liquidjs';

export function liquidEngine(options: LiquidOptions = {}): Liquid {
  return new Liquid({ locale: 'en-US', ...options });
}
