package dev.surveil.runner;

import dev.surveil.net.ServerOptions;

/**
 * The shared {@link dev.surveil.testing.FakeDispatcher} under the name the runner's tests knew
 * it by, for those that other changes are editing at the same time (the dispatcher link's and
 * the command's tests); delete it once they import the shared one. Thread-safe.
 */
final class FakeDispatcher extends dev.surveil.testing.FakeDispatcher {
  private FakeDispatcher(ServerOptions options) {
    super(0, options);
  }

  public static FakeDispatcher start() {
    return new FakeDispatcher(ServerOptions.DEFAULT);
  }
}
