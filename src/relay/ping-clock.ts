// Keep-alive pings for the streams whose upstream has gone silent, from one timer for the whole
// relay. A timer per stream (made, refreshed on every upstream read, cleared at the end) cost
// about a tenth of the relay's CPU on a short translated stream (bench/relay); here a read only
// zeroes a counter. A stream is pinged after one to one and a quarter intervals of silence, then
// every interval while the silence lasts.
import { type Slot, SlotSet } from './slot-set.js';

/** One watched stream. */
export class PingWatch {
  /** Ticks since the upstream last sent anything. */
  silentTicks = 0;
  /** Its place in the clock's set (slot-set.ts says why not a Set). */
  slot: Slot = -1;
  constructor(readonly ping: () => void) {}
  /** The upstream sent something: the silence starts over. */
  heard(): void {
    this.silentTicks = 0;
  }
}

const TICKS_PER_INTERVAL = 4;

export class PingClock {
  private readonly watches = new SlotSet<PingWatch>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  /** Starts pinging through `ping` whenever the stream has been silent for an interval. */
  watch(ping: () => void): PingWatch {
    const w = new PingWatch(ping);
    w.slot = this.watches.add(w);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), Math.max(1, this.intervalMs / TICKS_PER_INTERVAL));
      this.timer.unref();
    }
    return w;
  }

  unwatch(w: PingWatch): void {
    this.watches.delete(w.slot, w);
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    this.watches.forEach(pingIfSilent);
  }
}

function pingIfSilent(w: PingWatch): void {
  if (++w.silentTicks < TICKS_PER_INTERVAL) return;
  w.silentTicks = 0;
  w.ping();
}
