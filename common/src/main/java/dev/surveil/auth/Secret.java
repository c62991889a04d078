package dev.surveil.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret that authenticates requests (see {@link RequestSigner} and
 * {@link RequestVerifier}): the bytes of a token (a token given as text is UTF-8), which are
 * never logged or shown ({@link #toString()} hides them). Immutable and thread-safe.
 */
public final class Secret {
  private static final String MAC_ALGORITHM = "HmacSHA256";

  /** Longer files are surely not a token; reading stops there. */
  static final int MAX_BYTES = 4096;
  private static final Set<PosixFilePermission> LOOSE = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

  private final byte[] key;

  private Secret(byte[] key) {
    this.key = key;
  }

  /**
   * A secret from a token as given, e.g. the {@code SURVEIL_TOKEN} environment variable. One
   * trailing newline ({@code \n} or {@code \r\n}) is dropped, as in a file.
   *
   * @throws IllegalArgumentException if the token is empty (after dropping the newline)
   */
  public static Secret of(String token) {
    String stripped = stripNewline(token);
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("the token is empty");
    }
    return new Secret(stripped.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a token file: the whole file, byte for byte, with one trailing newline ({@code \n} or
   * {@code \r\n}) dropped.
   *
   * @throws IOException with a one-line message naming the file, if it is missing, unreadable,
   *     empty, over 4 KiB, or readable by its group or by others (as {@code ssh} refuses a
   *     private key: anyone who can read the token can run code on every runner)
   */
  public static Secret fromFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such token file: " + file);
    }
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
      if (permissions.stream().anyMatch(LOOSE::contains)) {
        throw new IOException("token file " + file + " is readable by others; run: chmod 600 "
            + file);
      }
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read token file " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException("cannot read token file " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException("token file " + file + " is over " + MAX_BYTES + " bytes");
    }
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    if (end == 0) {
      throw new IOException("token file " + file + " is empty");
    }
    return new Secret(Arrays.copyOf(bytes, end));
  }

  /**
   * A new HMAC-SHA256 keyed with this secret, the one MAC of requests and replies alike. Not
   * thread-safe; {@code Mac} objects are cheap to make, so take one per message.
   */
  Mac newMac() {
    try {
      Mac mac = Mac.getInstance(MAC_ALGORITHM);
      mac.init(new SecretKeySpec(key, MAC_ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      // every Java runtime must provide HmacSHA256, and a secret is never empty
      throw new IllegalStateException("cannot compute " + MAC_ALGORITHM + ": " + e, e);
    }
  }

  /** The token's length in bytes, so that callers can warn about a short one. */
  public int length() {
    return key.length;
  }

  private static String stripNewline(String token) {
    if (token.endsWith("\r\n")) {
      return token.substring(0, token.length() - 2);
    }
    return token.endsWith("\n") ? token.substring(0, token.length() - 1) : token;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && Arrays.equals(key, secret.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  /** Never the token itself. */
  @Override
  public String toString() {
    return "Secret[" + key.length + " bytes]";
  }
}
