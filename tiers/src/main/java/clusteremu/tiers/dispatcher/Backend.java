package clusteremu.tiers.dispatcher;

/** An app server as the dispatcher sees it: the VM it runs in and how many requests it holds there. */
final class Backend {
  final String vm;
  int outstanding;
  /** Until when (an emulated instant, Machine.time()) it gets no new request after one timed out there; 0: not skipped. */
  long skipUntil;

  Backend(String vm) {
    this.vm = vm;
  }

  boolean skipped(long now) {
    return skipUntil != 0 && now - skipUntil < 0;
  }

  @Override
  public String toString() {
    return vm + " (" + outstanding + " outstanding)";
  }
}
