package dev.surveil.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.Secret;
import dev.surveil.protocol.AuthLine;
import dev.surveil.protocol.CommitId;
import dev.surveil.protocol.Dispatch;
import dev.surveil.protocol.HostAndPort;
import dev.surveil.protocol.LineCodec;
import dev.surveil.protocol.MessageWriter;
import dev.surveil.protocol.Ping;
import dev.surveil.protocol.Register;
import dev.surveil.protocol.Request;
import dev.surveil.protocol.Results;
import dev.surveil.protocol.Status;
import dev.surveil.testing.FakeClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The signing scheme byte for byte: the worked example of docs/protocol.md, and the same MACs
 * from {@code openssl dgst -sha256 -mac HMAC}, which is how a shell script signs.
 */
public class AuthSchemeTest {
  // The worked example in docs/protocol.md; change both together.
  public static final Secret EXAMPLE_SECRET = Secret.of("example-secret-do-not-use");
  public static final long EXAMPLE_MILLIS = 1_700_000_000_000L;
  public static final String EXAMPLE_NONCE = "00112233445566778899aabbccddeeff";
  public static final String EXAMPLE_MAC =
      "7cf0768984a0658a117a428b7a85ef68f7de663533599bb797c7ef9f0040e7fd";
  public static final Dispatch EXAMPLE_REQUEST =
      new Dispatch(new CommitId("3f786850e387550fdab836ed7e6dc881de23001b"));
  public static final String EXAMPLE_BYTES = "auth:1700000000000:00112233445566778899aabbccddeeff:"
      + EXAMPLE_MAC + "\ndispatch:3f786850e387550fdab836ed7e6dc881de23001b\n";

  private final RequestSigner signer = new RequestSigner(EXAMPLE_SECRET);

  @Test
  void workedExampleHasTheDocumentedMacAndBytes() {
    AuthLine auth = signer.sign(EXAMPLE_REQUEST, EXAMPLE_MILLIS, EXAMPLE_NONCE);

    assertThat(auth.mac()).isEqualTo(EXAMPLE_MAC);
    assertThat(new String(MessageWriter.encode(auth, EXAMPLE_REQUEST), StandardCharsets.UTF_8))
        .isEqualTo(EXAMPLE_BYTES);
  }

  @Test
  void protocolDocumentShowsTheWorkedExample() throws IOException {
    Path doc = Path.of(System.getProperty("surveil.root", ".."), "docs", "protocol.md");
    String text = Files.readString(doc);

    assertThat(text).contains("example-secret-do-not-use", EXAMPLE_MAC,
        "auth:1700000000000:00112233445566778899aabbccddeeff:" + EXAMPLE_MAC);
  }

  @Test
  void signsWithTheClockAndAFreshNonceEachTime() {
    var clock = new FakeClock(EXAMPLE_MILLIS);
    var clocked = new RequestSigner(EXAMPLE_SECRET, clock);

    AuthLine first = clocked.sign(EXAMPLE_REQUEST);
    AuthLine second = clocked.sign(EXAMPLE_REQUEST);

    assertThat(first.millis()).isEqualTo(EXAMPLE_MILLIS);
    assertThat(first.nonce()).isNotEqualTo(second.nonce());
    assertThat(first.mac()).isNotEqualTo(second.mac());
  }

  @Test
  void opensslComputesTheSameMacAsTheSigner() throws Exception {
    assumeTrue(opensslAvailable(), "openssl is not installed");
    String report = "PASSED  a()\ncaf\u00e9: 1 + 1 = 2\n";
    List<Request> requests = List.of(EXAMPLE_REQUEST, new Status(), new Ping(),
        new Register(new HostAndPort("runner-1.example", 8900)),
        new Results(EXAMPLE_REQUEST.commit(), report));

    for (Request request : requests) {
      String input = EXAMPLE_MILLIS + ":" + EXAMPLE_NONCE + ":" + LineCodec.format(request);
      assertThat(openssl(input, "example-secret-do-not-use"))
          .as(LineCodec.format(request))
          .isEqualTo(signer.sign(request, EXAMPLE_MILLIS, EXAMPLE_NONCE).mac());
    }
  }

  private static boolean opensslAvailable() {
    try {
      Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true)
          .start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What docs/protocol.md tells a shell script to run. */
  private static String openssl(String input, String key) throws Exception {
    Process process = new ProcessBuilder("openssl", "dgst", "-sha256", "-mac", "HMAC",
        "-macopt", "key:" + key, "-r").start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl exit code").isZero();
    return out.substring(0, out.indexOf(' '));
  }
}
