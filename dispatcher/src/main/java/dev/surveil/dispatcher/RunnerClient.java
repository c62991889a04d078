package dev.surveil.dispatcher;

import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Request;
import java.io.IOException;

/** How the dispatcher talks to runners; a seam so that tests can fake the runners. Thread-safe. */
@FunctionalInterface
interface RunnerClient {
  /** Sends a request to a runner and returns its reply; throws if the runner cannot be reached. */
  Reply send(HostAndPort runner, Request request) throws IOException;
}
