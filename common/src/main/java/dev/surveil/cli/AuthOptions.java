package dev.surveil.cli;

import dev.surveil.auth.RequestSigner;
import dev.surveil.auth.RequestVerifier;
import dev.surveil.auth.Secret;
import dev.surveil.net.ServerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code --token-file} option every program shares (a picocli mixin), and where the shared
 * secret comes from: the file if the option is given, else the {@code SURVEIL_TOKEN} environment
 * variable, else there is none and requests are not authenticated. The secret is read once and
 * never logged. Not thread-safe: use it from the command's thread, before starting the service.
 */
public final class AuthOptions {
  /** The environment variable that holds the token when {@code --token-file} is not given. */
  public static final String TOKEN_VARIABLE = "SURVEIL_TOKEN";
  /** Tokens shorter than this get a warning: they may be guessed. */
  static final int SHORT_TOKEN_BYTES = 16;
  private static final Logger log = LoggerFactory.getLogger(AuthOptions.class);

  @Option(names = "--token-file", paramLabel = "PATH",
      description = "Authenticate every request with the secret token in this file (mode 600). "
          + "Default: the " + TOKEN_VARIABLE + " environment variable; if neither is set, "
          + "requests are not authenticated.")
  private Path tokenFile;

  private final Map<String, String> environment;
  private Optional<Secret> secret;

  /** Options that read {@code SURVEIL_TOKEN} from the process environment. */
  public AuthOptions() {
    this(System.getenv());
  }

  /** Options that read {@code SURVEIL_TOKEN} from {@code environment}, for tests. */
  public AuthOptions(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Sets the token file as {@code --token-file} does, for callers that build options in code. */
  public AuthOptions withTokenFile(Path file) {
    this.tokenFile = file;
    this.secret = null;
    return this;
  }

  /**
   * The secret, read on the first call: from {@code --token-file} if given, else from
   * {@code SURVEIL_TOKEN}, else empty. A token under 16 bytes gets one WARN line.
   *
   * @throws IOException with a one-line message naming the option or the variable, if the file
   *     is missing, unreadable, empty or readable by others, or {@code SURVEIL_TOKEN} is set but
   *     empty
   */
  public Optional<Secret> secret() throws IOException {
    if (secret == null) {
      secret = load();
      secret.filter(s -> s.length() < SHORT_TOKEN_BYTES).ifPresent(s -> log.warn(
          "the token is only {} bytes; a longer one is harder to guess, e.g. openssl rand -hex 32",
          s.length()));
    }
    return secret;
  }

  private Optional<Secret> load() throws IOException {
    if (tokenFile != null) {
      try {
        return Optional.of(Secret.fromFile(tokenFile));
      } catch (IOException e) {
        throw new IOException("--token-file: " + e.getMessage(), e);
      }
    }
    String token = environment.get(TOKEN_VARIABLE);
    if (token == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Secret.of(token));
    } catch (IllegalArgumentException e) {
      throw new IOException(TOKEN_VARIABLE + " is set but empty; unset it or give a token");
    }
  }

  /** A signer for the program's client, if there is a secret. */
  public Optional<RequestSigner> signer() throws IOException {
    return secret().map(RequestSigner::new);
  }

  /** {@code base} with a new {@link RequestVerifier} for the secret, if there is one. */
  public ServerOptions serverOptions(ServerOptions base) throws IOException {
    return base.withSecret(secret());
  }

  /**
   * Logs one WARN line if there is no secret and {@code bindHost} is not a loopback address
   * (a wildcard address or a name that does not resolve counts as not loopback):
   * {@code <component> has no secret (--token-file or SURVEIL_TOKEN) and listens on <host>:
   * anyone who can reach it can send it requests}.
   *
   * @return whether it warned
   */
  public boolean warnIfUnauthenticated(String component, String bindHost) throws IOException {
    if (secret().isPresent() || isLoopback(bindHost)) {
      return false;
    }
    log.warn("{} has no secret (--token-file or {}) and listens on {}: anyone who can reach it "
        + "can send it requests", component, TOKEN_VARIABLE, bindHost);
    return true;
  }

  /** Whether every address {@code host} names is a loopback address. */
  static boolean isLoopback(String host) {
    try {
      return Arrays.stream(InetAddress.getAllByName(host)).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
