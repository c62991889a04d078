package dev.surveil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ByteBudget}: all-or-nothing reservations, bounded waits, chunks reused. */
class ByteBudgetTest {
  private static final int CHUNK = 1024;

  @Test
  void reservesWholeChunksAndGivesThemBackOnClose() throws Exception {
    var budget = new ByteBudget(4 * CHUNK, CHUNK, Duration.ZERO);

    ByteBudget.Reservation reservation = budget.reserve(CHUNK + 1);
    assertThat(budget.reservedBytes()).isEqualTo(2 * CHUNK);
    reservation.close();
    reservation.close();
    assertThat(budget.reservedBytes()).isZero();
  }

  @Test
  void refusesAReservationThatDoesNotFitAndKeepsNothingOfIt() throws Exception {
    var budget = new ByteBudget(4 * CHUNK, CHUNK, Duration.ZERO);

    try (ByteBudget.Reservation first = budget.reserve(3 * CHUNK)) {
      assertThat(budget.reserve(2 * CHUNK)).isNull();
      assertThat(budget.reservedBytes()).isEqualTo(3 * CHUNK);
      assertThat(budget.reserve(CHUNK)).isNotNull();
    }
  }

  @Test
  void waitingReservationGetsTheMemoryGivenBack() throws Exception {
    var budget = new ByteBudget(2 * CHUNK, CHUNK, Duration.ofSeconds(30));
    ByteBudget.Reservation first = budget.reserve(2 * CHUNK);

    CompletableFuture<ByteBudget.Reservation> second =
        CompletableFuture.supplyAsync(() -> {
          try {
            return budget.reserve(2 * CHUNK);
          } catch (InterruptedIOException e) {
            throw new IllegalStateException(e);
          }
        });
    first.close();

    try (ByteBudget.Reservation granted = second.get(10, TimeUnit.SECONDS)) {
      assertThat(granted).isNotNull();
    }
  }

  @Test
  void allocatesChunksOnlyWhenTakenAndReusesThem() throws Exception {
    var budget = new ByteBudget(4 * CHUNK, CHUNK, Duration.ZERO);

    for (int i = 0; i < 3; i++) {
      try (ByteBudget.Reservation reservation = budget.reserve(4 * CHUNK)) {
        assertThat(reservation.takeChunk()).hasSize(CHUNK);
        assertThat(reservation.takeChunk()).hasSize(CHUNK);
      }
    }
    assertThat(budget.allocatedBytes()).isEqualTo(2 * CHUNK);
  }

  @Test
  void refusesToTakeMoreChunksThanReserved() throws Exception {
    var budget = new ByteBudget(4 * CHUNK, CHUNK, Duration.ZERO);

    try (ByteBudget.Reservation reservation = budget.reserve(CHUNK)) {
      reservation.takeChunk();
      assertThatThrownBy(reservation::takeChunk).isInstanceOf(IllegalStateException.class)
          .hasMessage("reservation of 1 chunks used up");
    }
  }

  @Test
  void refusesMoreThanTheWholeBudget() {
    var budget = new ByteBudget(4 * CHUNK, CHUNK, Duration.ZERO);

    assertThatThrownBy(() -> budget.reserve(4 * CHUNK + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
