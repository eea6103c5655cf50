package clusteremu.node.datacenter.emulation;

/**
 * The one wake-up on the loop of a model whose next event keeps moving (a shared link, a host's
 * processor sharing): each arrival pushes the first finish later, each departure pulls it earlier.
 * A timer per change would fill the loop's queue with timers that are no longer wanted, and under
 * load that queue was half of the loop's time. So {@link #at} sets a timer only when the instant
 * asked is earlier than the one already set; when that one goes off before anything is due, the
 * model finds nothing finished and asks again for its new instant. Loop thread only.
 */
final class Alarm {
  private final EmulationLoop loop;
  private final EmulationLoop.Action due;
  /** The earliest timer set and not yet gone off, or null. */
  private Shot armed;

  /** {@code due} hears the instant each timer went off; it must ask {@link #at} again for what is left. */
  Alarm(EmulationLoop loop, EmulationLoop.Action due) {
    this.loop = loop;
    this.due = due;
  }

  /** Goes off at {@code instant}, or earlier when a timer set before is due earlier. */
  void at(long instant) {
    if (armed != null && armed.instant <= instant) {
      return;
    }
    armed = new Shot(instant);
    loop.at(instant, armed);
  }

  /** One timer; one replaced by an earlier one goes off unheard, for the earlier one asks again. */
  private final class Shot implements EmulationLoop.Action {
    private final long instant;

    Shot(long instant) {
      this.instant = instant;
    }

    @Override
    public void run(long at) {
      if (armed != this) {
        return;
      }
      armed = null;
      due.run(at);
    }
  }
}
