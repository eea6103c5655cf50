package clusteremu.tiers.dispatcher;

/** An app server as the dispatcher sees it: the VM it runs in and how many requests it holds there. */
final class Backend {
  final String vm;
  int outstanding;

  Backend(String vm) {
    this.vm = vm;
  }

  @Override
  public String toString() {
    return vm + " (" + outstanding + " outstanding)";
  }
}
