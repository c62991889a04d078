package dev.surveil.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ConnectionSlots}' rules, in memory, with times given by hand. */
class ConnectionSlotsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final InetAddress A = address(1);
  private static final InetAddress B = address(2);
  private static final InetAddress C = address(3);

  @Test
  void refusesAPeerAtItsLimitUntilItsOldestHasWaitedTheMinimumAge() {
    ConnectionSlots slots = new ConnectionSlots(16, 2, 0, 100 * MS);
    ConnectionSlots.Slot first = slots.admit(null, A, 0).slot();
    slots.admit(null, A, 10 * MS);

    assertThat(slots.admit(null, A, 50 * MS).slot()).isNull();
    ConnectionSlots.Admission later = slots.admit(null, A, 100 * MS);

    assertThat(later.slot()).isNotNull();
    assertThat(later.displaced()).isSameAs(first);
    assertThat(slots.held()).isEqualTo(2);
    assertThat(slots.release(first)).as("released when displaced").isFalse();
  }

  @Test
  void aLighterPeerTakesTheHeaviestPeersOldestWaitingSlotWhenFull() {
    ConnectionSlots slots = new ConnectionSlots(4, 4, 0, 100 * MS);
    ConnectionSlots.Slot b = slots.admit(null, B, 0).slot();
    ConnectionSlots.Slot oldestA = slots.admit(null, A, 1 * MS).slot();
    slots.admit(null, A, 2 * MS);
    slots.admit(null, A, 3 * MS);
    slots.answering(oldestA);

    ConnectionSlots.Admission admission = slots.admit(null, C, 4 * MS);

    assertThat(admission.slot()).isNotNull();
    assertThat(admission.displaced().peer).isEqualTo(A);
    assertThat(admission.displaced()).as("answering slots never give way").isNotSameAs(oldestA);
    assertThat(slots.release(b)).isTrue();
  }

  @Test
  void theHeaviestPeerOnlyReplacesItsOwnWhenFull() {
    ConnectionSlots slots = new ConnectionSlots(4, 4, 0, 100 * MS);
    slots.admit(null, B, 0);
    ConnectionSlots.Slot a = slots.admit(null, A, 0).slot();
    slots.admit(null, A, 0);
    slots.admit(null, A, 0);

    assertThat(slots.admit(null, A, 50 * MS).slot()).as("younger than the minimum age").isNull();
    assertThat(slots.admit(null, A, 100 * MS).displaced()).isSameAs(a);
  }

  @Test
  void keepsTheReserveForPeersThatAuthenticatedRecently() {
    ConnectionSlots slots = new ConnectionSlots(4, 4, 2, 100 * MS);
    ConnectionSlots.Slot first = slots.admit(null, A, 0).slot();
    slots.authenticated(first, 0);
    assertThat(slots.release(first)).isTrue();
    slots.admit(null, B, 0);
    slots.admit(null, B, 0);

    ConnectionSlots.Admission third = slots.admit(null, B, 0);
    assertThat(third.slot()).as("the reserve is not B's").isNull();
    assertThat(slots.admit(null, A, 1 * MS).displaced()).isNull();
    assertThat(slots.admit(null, A, 1 * MS).displaced()).isNull();
    assertThat(slots.held()).isEqualTo(4);

    long expired = ConnectionSlots.TRUST_NANOS + 1;
    assertThat(slots.admit(null, A, expired).displaced().peer)
        .as("after the trust window, A is only the peer with the most slots").isEqualTo(A);
  }

  @Test
  void aConnectionWhoseRequestVerifiedMovesIntoTheReserve() {
    ConnectionSlots slots = new ConnectionSlots(4, 4, 2, 100 * MS);
    ConnectionSlots.Slot signed = slots.admit(null, A, 0).slot();
    slots.admit(null, B, 0);
    assertThat(slots.admit(null, B, 0).slot()).as("A's connection is not yet trusted").isNull();

    slots.authenticated(signed, 1 * MS);

    assertThat(slots.admit(null, B, 1 * MS).slot()).isNotNull();
    assertThat(slots.admit(null, B, 1 * MS).slot()).isNull();
  }

  @Test
  void cutsOffSlowRequestsOnlyWhenMoreThanHalfTheSlotsAreHeld() {
    ConnectionSlots slots = new ConnectionSlots(4, 4, 0, 100 * MS);
    ConnectionSlots.Slot slow = slots.admit(null, A, 0).slot();
    ConnectionSlots.Slot answering = slots.admit(null, A, 0).slot();
    slots.answering(answering);

    assertThat(slots.overdue(1_000 * MS, 5_000 * MS)).as("half is not busy").isEmpty();
    ConnectionSlots.Slot young = slots.admit(null, B, 4_500 * MS).slot();

    assertThat(slots.overdue(1_000 * MS, 5_000 * MS)).containsExactly(slow);
    assertThat(slots.held()).isEqualTo(2);
    assertThat(slots.release(young)).isTrue();
  }

  private static InetAddress address(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
