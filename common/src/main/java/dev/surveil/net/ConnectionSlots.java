package dev.surveil.net;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The connection slots of one {@link LineServer}: which connections hold them, grouped by peer
 * address, and which connection gives way when a new one arrives and none is free. Thread-safe
 * (every method is synchronized; each is short and never blocks).
 *
 * <p>A new connection from peer address P is admitted, in this order of rules:
 * <ol>
 *   <li>if P already holds {@code maxConnectionsPerPeer}: in place of P's oldest connection still
 *       waiting for its request, if that one has waited at least the minimum age; else refused;
 *   <li>if no slot is free for P (peers that authenticated recently may use every slot, others
 *       all but the {@linkplain ServerOptions#authenticatedReserve() reserve}): in place of the
 *       oldest connection still waiting for its request of the peer that holds the most
 *       (counting the new connection for P; a peer that authenticated recently never gives way
 *       to another), with the minimum age when that peer is P itself; else refused;
 *   <li>else into a free slot.
 * </ol>
 * So a peer with fewer connections than the heaviest always gets in, and a peer can only push
 * out its own connections, and at most one per minimum age and slot.
 *
 * <p>Lifecycle of a slot: {@link #admit} → {@link #answering} (its request is complete) →
 * {@link #release}. A slot that {@link #admit} or {@link #overdue} took away is already released:
 * its owner closes the socket, and the later {@link #release} returns false.
 */
final class ConnectionSlots {
  /** How long an address that sent an authenticated request counts as authenticated. */
  static final long TRUST_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** One admitted connection. Its fields are guarded by the {@link ConnectionSlots}' lock. */
  static final class Slot {
    final Socket socket;
    final InetAddress peer;
    final long admittedNanos;
    boolean trusted;
    boolean answering;

    private Slot(Socket socket, InetAddress peer, long admittedNanos, boolean trusted) {
      this.socket = socket;
      this.peer = peer;
      this.admittedNanos = admittedNanos;
      this.trusted = trusted;
    }
  }

  /**
   * What {@link #admit} decided: the new connection's slot (null if refused), and the connection
   * that gave its slot away, to be closed (null if none).
   */
  record Admission(Slot slot, Slot displaced) {}

  private final int max;
  private final int perPeer;
  private final int reserve;
  private final long minimumAgeNanos;
  // every peer's slots, oldest first
  private final Map<InetAddress, LinkedHashSet<Slot>> byPeer = new HashMap<>();
  private final Map<InetAddress, Long> trustedUntil = new HashMap<>();
  private int held;
  private int heldUntrusted;

  /**
   * @param minimumAgeNanos how long a connection waits for its request before another of its
   *     own peer's may take its place
   */
  ConnectionSlots(int max, int perPeer, int reserve, long minimumAgeNanos) {
    this.max = max;
    this.perPeer = perPeer;
    this.reserve = reserve;
    this.minimumAgeNanos = minimumAgeNanos;
  }

  /** Decides whether {@code socket} from {@code peer} gets a slot, and whose place it takes. */
  synchronized Admission admit(Socket socket, InetAddress peer, long now) {
    boolean trusted = isTrusted(peer, now);
    LinkedHashSet<Slot> own = byPeer.getOrDefault(peer, new LinkedHashSet<>());
    Slot displaced = null;
    if (own.size() >= perPeer) {
      displaced = oldestWaiting(own, now, true);
      if (displaced == null) {
        return new Admission(null, null);
      }
    } else if (!hasRoom(trusted)) {
      displaced = heaviestPeersOldest(peer, own.size() + 1, now);
      if (displaced == null) {
        return new Admission(null, null);
      }
    }
    if (displaced != null) {
      remove(displaced);
    }
    Slot slot = new Slot(socket, peer, now, trusted);
    byPeer.computeIfAbsent(peer, p -> new LinkedHashSet<>()).add(slot);
    held++;
    if (!trusted) {
      heldUntrusted++;
    }
    return new Admission(slot, displaced);
  }

  /** The slot's request is complete: it is no longer closed for being slow or to make room. */
  synchronized void answering(Slot slot) {
    slot.answering = true;
  }

  /** Gives the slot back; false if it had been taken away already. */
  synchronized boolean release(Slot slot) {
    LinkedHashSet<Slot> own = byPeer.get(slot.peer);
    if (own == null || !own.contains(slot)) {
      return false;
    }
    remove(slot);
    return true;
  }

  /**
   * The slot's request verified: from now on it counts as a reserved slot, and its peer address
   * may use the reserve for a while.
   */
  synchronized void authenticated(Slot slot, long now) {
    trustedUntil.values().removeIf(until -> until - now < 0);
    trustedUntil.put(slot.peer, now + TRUST_NANOS);
    LinkedHashSet<Slot> own = byPeer.get(slot.peer);
    if (!slot.trusted && own != null && own.contains(slot)) {
      heldUntrusted--;
    }
    slot.trusted = true;
  }

  /**
   * When more than half the slots are held, takes away and returns every slot of a peer that
   * has not authenticated recently whose request has taken longer than {@code timeoutNanos};
   * otherwise returns nothing. The caller closes their sockets.
   */
  synchronized List<Slot> overdue(long timeoutNanos, long now) {
    List<Slot> late = new ArrayList<>();
    if (held * 2 <= max) {
      return late;
    }
    for (LinkedHashSet<Slot> own : byPeer.values()) {
      for (Slot slot : own) {
        if (!slot.answering && !slot.trusted && now - slot.admittedNanos >= timeoutNanos) {
          late.add(slot);
        }
      }
    }
    late.forEach(this::remove);
    return late;
  }

  /** Every slot held, for closing them all. */
  synchronized List<Slot> all() {
    List<Slot> all = new ArrayList<>();
    byPeer.values().forEach(all::addAll);
    return all;
  }

  /** Slots held now. */
  synchronized int held() {
    return held;
  }

  private boolean hasRoom(boolean trusted) {
    return held < max && (trusted || heldUntrusted < max - reserve);
  }

  private boolean isTrusted(InetAddress peer, long now) {
    Long until = trustedUntil.get(peer);
    return until != null && until - now > 0;
  }

  /**
   * The oldest slot still waiting for its request of the peer with the most slots, counting
   * {@code ownCount} for {@code peer} (the new connection included) and skipping peers that
   * authenticated recently; ties go to {@code peer}.
   */
  private Slot heaviestPeersOldest(InetAddress peer, int ownCount, long now) {
    List<Map.Entry<InetAddress, LinkedHashSet<Slot>>> peers = new ArrayList<>(byPeer.entrySet());
    peers.sort((a, b) -> {
      int heavierFirst = Integer.compare(count(b, peer, ownCount), count(a, peer, ownCount));
      return heavierFirst != 0 ? heavierFirst
          : Boolean.compare(b.getKey().equals(peer), a.getKey().equals(peer));
    });
    for (Map.Entry<InetAddress, LinkedHashSet<Slot>> entry : peers) {
      boolean self = entry.getKey().equals(peer);
      if (count(entry, peer, ownCount) < ownCount) {
        break; // lighter than the newcomer's peer: P itself comes first
      }
      if (!self && isTrusted(entry.getKey(), now)) {
        continue;
      }
      Slot oldest = oldestWaiting(entry.getValue(), now, self);
      if (oldest != null) {
        return oldest;
      }
    }
    return null;
  }

  private static int count(Map.Entry<InetAddress, LinkedHashSet<Slot>> entry, InetAddress peer,
      int ownCount) {
    return entry.getKey().equals(peer) ? ownCount : entry.getValue().size();
  }

  private Slot oldestWaiting(LinkedHashSet<Slot> slots, long now, boolean needsMinimumAge) {
    for (Iterator<Slot> it = slots.iterator(); it.hasNext(); ) {
      Slot slot = it.next();
      if (slot.answering) {
        continue;
      }
      if (needsMinimumAge && now - slot.admittedNanos < minimumAgeNanos) {
        return null; // the rest are younger still
      }
      return slot;
    }
    return null;
  }

  private void remove(Slot slot) {
    LinkedHashSet<Slot> own = byPeer.get(slot.peer);
    own.remove(slot);
    if (own.isEmpty()) {
      byPeer.remove(slot.peer);
    }
    held--;
    if (!slot.trusted) {
      heldUntrusted--;
    }
  }
}
