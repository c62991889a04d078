package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Results;
import dev.surveil.time.Backoff;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When to try each report of the {@link ReportOutbox} next, and whether the dispatcher has
 * refused every report still there (so the runner may register with them undelivered).
 *
 * <p>A new report is due at once. A report the dispatcher refused is retried on its own
 * {@link Policy schedule} (1 s doubling to 1 min), so it never holds up newer reports. When the
 * dispatcher is unreachable, no report is tried before the delay the caller gives (the link's
 * backoff), and every report, refused or not, is due again as soon as that delay ends and counts
 * as not refused until the dispatcher refuses it again: a dispatcher that was away may have
 * restarted, and a restarted Surveil dispatcher that still expects a report would take a
 * {@code register} as "the runner lost that commit" and have it tested again.
 *
 * <p>Times are readings of the link's {@code Ticker}, in nanoseconds. Not thread-safe: only the
 * dispatcher link's thread uses it.
 */
final class DeliverySchedule {
  /**
   * How refused reports are retried.
   *
   * @param firstRetry the delay after the first refusal, doubled after each one
   * @param maxRetry the longest delay between two attempts
   * @param errorAfter how long a report may stay undeliverable before an ERROR says so
   */
  record Policy(Duration firstRetry, Duration maxRetry, Duration errorAfter) {
    /** 1 s doubling to 1 min; ERROR after 10 minutes. */
    static final Policy STANDARD =
        new Policy(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(10));
  }

  /**
   * A failed attempt to deliver one report, for the log.
   *
   * @param number how many attempts have failed for this report, this one included
   * @param undeliverableFor the time since its first attempt failed
   * @param retryIn when it is tried next (unless the dispatcher is found unreachable meanwhile)
   * @param overdue whether it has now been undeliverable for the policy's {@code errorAfter},
   *     true for one attempt of each report only
   */
  record Attempt(int number, Duration undeliverableFor, Duration retryIn, boolean overdue) {}

  /** One report's schedule. */
  private static final class Entry {
    final Results report;
    final Backoff backoff;
    long dueNanos;
    int attempts;
    long firstFailureNanos;
    boolean refused; // by the dispatcher since it was last unreachable
    boolean overdueLogged;

    Entry(Results report, Backoff backoff, long dueNanos) {
      this.report = report;
      this.backoff = backoff;
      this.dueNanos = dueNanos;
    }
  }

  private final Policy policy;
  private final Map<CommitId, Entry> entries = new LinkedHashMap<>(); // outbox order
  private boolean unreachable; // the last call found the dispatcher unreachable
  private long resumeNanos; // while unreachable: nothing is due before this

  DeliverySchedule(Policy policy) {
    this.policy = policy;
  }

  /**
   * Follows the outbox: forgets reports no longer there and schedules new ones (a newer report
   * of a commit replaces the older one's schedule).
   */
  void track(List<Results> reports, long now) {
    Map<CommitId, Entry> current = new LinkedHashMap<>();
    for (Results report : reports) {
      Entry entry = entries.get(report.commit());
      if (entry == null || entry.report != report) {
        entry = new Entry(report, new Backoff(policy.firstRetry(), policy.maxRetry()),
            unreachable && resumeNanos - now > 0 ? resumeNanos : now);
      }
      current.put(report.commit(), entry);
    }
    entries.clear();
    entries.putAll(current);
  }

  /** The oldest report due by {@code now}, if any. */
  Optional<Results> due(long now) {
    return entries.values().stream().filter(entry -> entry.dueNanos - now <= 0)
        .map(entry -> entry.report).findFirst();
  }

  /** The time from {@code now} until the next report is due; empty if there is none. */
  Optional<Duration> untilNextDue(long now) {
    return entries.values().stream().map(entry -> Math.max(0, entry.dueNanos - now))
        .min(Long::compare).map(Duration::ofNanos);
  }

  /**
   * Whether the dispatcher refused every report tracked since it was last unreachable (true if
   * there are none): only then may the runner register with reports undelivered.
   */
  boolean allRefused() {
    return entries.values().stream().allMatch(entry -> entry.refused);
  }

  /** {@code report} was delivered. */
  void delivered(Results report) {
    Entry entry = entries.get(report.commit());
    if (entry != null && entry.report == report) {
      entries.remove(report.commit());
    }
    unreachable = false;
  }

  /** The dispatcher refused {@code report} at {@code now}: it is retried on its own schedule. */
  Attempt refused(Results report, long now) {
    unreachable = false;
    Entry entry = entry(report);
    entry.refused = true;
    return failed(entry, now, entry.backoff.next());
  }

  /**
   * The dispatcher was unreachable for {@code report} at {@code now}: as
   * {@link #unreachable(long, Duration)}, and counts the attempt.
   */
  Attempt unreachable(Results report, long now, Duration delay) {
    unreachable(now, delay);
    return failed(entry(report), now, delay);
  }

  /**
   * The dispatcher was unreachable at {@code now}, for any call: no report is tried for
   * {@code delay}, then every report is due, and none counts as refused until it is again.
   */
  void unreachable(long now, Duration delay) {
    unreachable = true;
    resumeNanos = now + delay.toNanos();
    for (Entry entry : entries.values()) {
      entry.refused = false;
      entry.dueNanos = resumeNanos;
    }
  }

  /** Makes every report due at {@code now}, whatever its schedule, e.g. for a graceful stop. */
  void retryAllNow(long now) {
    unreachable = false;
    entries.values().forEach(entry -> entry.dueNanos = now);
  }

  private Entry entry(Results report) {
    Entry entry = entries.get(report.commit());
    if (entry == null || entry.report != report) {
      throw new IllegalStateException("report of commit " + report.commit() + " not tracked");
    }
    return entry;
  }

  private Attempt failed(Entry entry, long now, Duration retryIn) {
    if (entry.attempts++ == 0) {
      entry.firstFailureNanos = now;
    }
    entry.dueNanos = now + retryIn.toNanos();
    Duration undeliverable = Duration.ofNanos(now - entry.firstFailureNanos);
    boolean overdue = !entry.overdueLogged && undeliverable.compareTo(policy.errorAfter()) >= 0;
    entry.overdueLogged |= overdue;
    return new Attempt(entry.attempts, undeliverable, retryIn, overdue);
  }
}
