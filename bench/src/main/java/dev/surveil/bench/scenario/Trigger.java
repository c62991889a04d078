package dev.surveil.bench.scenario;

import java.util.List;

/** How a commit reaches the dispatcher in scenario 1. Immutable. */
enum Trigger {
  /** The observer's {@code notify} request, sent by the bench right after the commit. */
  PUSH("1 latency, push trigger", List.of("--notify-port", "0")),
  /** The observer's own poll, every 5 s (its default); its notify port is unused but free. */
  POLLING("1 latency, polling 5 s", List.of("--notify-port", "0")),
  /** No observer: the bench sends {@code dispatch} itself, as the chapter's fast figure did. */
  DIRECT_DISPATCH("1 latency, dispatch sent", List.of());

  private final String scenario;
  private final List<String> observerArgs;

  Trigger(String scenario, List<String> observerArgs) {
    this.scenario = scenario;
    this.observerArgs = observerArgs;
  }

  /** The scenario column of this trigger's figures. */
  String scenario() {
    return scenario;
  }

  /** Whether an observer takes part. */
  boolean needsObserver() {
    return this != DIRECT_DISPATCH;
  }

  /** The observer's options besides the dispatcher and the clone. */
  List<String> observerArgs() {
    return observerArgs;
  }
}
