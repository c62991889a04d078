package dev.surveil.auth;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The nonces of the authenticated requests a server accepted, each kept until its timestamp is
 * too old for the request to pass the clock check again; so a captured request cannot be
 * replayed while it would still be on time. Bounded: when full of unexpired nonces it refuses new
 * ones rather than forget one. Only requests with a valid MAC reach it, so only holders of the
 * secret can fill it. Thread-safe.
 */
final class ReplayCache {
  private record Entry(long expiresMillis, String nonce) {}

  private final int capacity;
  private final Set<String> nonces = new HashSet<>();
  private final PriorityQueue<Entry> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.expiresMillis, b.expiresMillis));

  ReplayCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
  }

  /** What {@link #add} found. */
  enum Outcome { ADDED, ALREADY_SEEN, FULL }

  /**
   * Remembers {@code nonce} until {@code expiresMillis}, unless it is already remembered or the
   * cache is full; first forgets every nonce whose time is up at {@code nowMillis}.
   */
  synchronized Outcome add(String nonce, long expiresMillis, long nowMillis) {
    forgetExpired(nowMillis);
    if (nonces.contains(nonce)) {
      return Outcome.ALREADY_SEEN;
    }
    if (nonces.size() >= capacity) {
      return Outcome.FULL;
    }
    nonces.add(nonce);
    byExpiry.add(new Entry(expiresMillis, nonce));
    return Outcome.ADDED;
  }

  /** Whether {@code nonce} is remembered at {@code nowMillis}; remembers nothing. */
  synchronized boolean contains(String nonce, long nowMillis) {
    forgetExpired(nowMillis);
    return nonces.contains(nonce);
  }

  /** How many nonces are remembered. */
  synchronized int size() {
    return nonces.size();
  }

  private void forgetExpired(long nowMillis) {
    while (!byExpiry.isEmpty() && byExpiry.peek().expiresMillis < nowMillis) {
      nonces.remove(byExpiry.poll().nonce);
    }
  }
}
