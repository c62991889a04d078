package dev.surveil.observer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.Notify;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Reply;
import dev.surveil.protocol.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the notify port answers, without sockets. */
class NotifyHandlerTest {
  private final AtomicInteger pollRequests = new AtomicInteger();
  private final NotifyHandler handler = new NotifyHandler(pollRequests::incrementAndGet);

  @Test
  void notifyAsksForAPollAndIsAnsweredOk() {
    assertThat(handler.handle(new Notify())).isEqualTo(Reply.OK);
    assertThat(pollRequests).hasValue(1);
  }

  @Test
  void statusIsAnsweredOkWithoutAPoll() {
    assertThat(handler.handle(new Status())).isEqualTo(Reply.OK);
    assertThat(pollRequests).hasValue(0);
  }

  @Test
  void otherRequestsAreInvalidCommands() {
    assertThat(handler.handle(new Ping())).isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Dispatch(new CommitId("abcd1234".repeat(5)))))
        .isEqualTo(Reply.INVALID_COMMAND);
    assertThat(handler.handle(new Register(new HostAndPort("localhost", 8900))))
        .isEqualTo(Reply.INVALID_COMMAND);
    assertThat(pollRequests).hasValue(0);
  }
}
