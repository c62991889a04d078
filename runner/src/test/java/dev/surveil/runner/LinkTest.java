package dev.surveil.runner;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Results;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of the {@link DispatcherLink} and its {@link RegistrationWatch} share: a fresh
 * {@link LinkFixture} for each test, whose link asks for {@code status} after {@link #INTERVAL}
 * without a ping, closed after it.
 */
abstract class LinkTest {
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final Register REGISTER = LinkFixture.REGISTER;
  static final Results FIRST = new Results(
      new CommitId("1111111111111111111111111111111111111111"), "first report\n");

  @TempDir Path root;
  LinkFixture fixture;

  @BeforeEach
  void setUpLink() {
    fixture = new LinkFixture(root, INTERVAL, DeliverySchedule.Policy.STANDARD);
  }

  @AfterEach
  void closeLink() {
    fixture.close();
  }
}
