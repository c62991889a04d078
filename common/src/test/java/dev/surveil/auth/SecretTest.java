package dev.surveil.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.surveil.auth.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a {@link Secret} comes from, and that it never shows itself. */
class SecretTest {
  @TempDir
  Path dir;

  @Test
  void readsTokenFileDroppingOneTrailingNewline() throws IOException {
    assertThat(Secret.fromFile(write("tok-1", "abc\n"))).isEqualTo(Secret.of("abc"));
    assertThat(Secret.fromFile(write("tok-2", "abc\r\n"))).isEqualTo(Secret.of("abc"));
    assertThat(Secret.fromFile(write("tok-3", "abc"))).isEqualTo(Secret.of("abc"));
    assertThat(Secret.fromFile(write("tok-4", "abc\n\n")).length()).isEqualTo(4);
  }

  @Test
  void keepsTokenFileBytesAsTheyAre() throws IOException {
    Path file = dir.resolve("binary");
    Files.write(file, new byte[] {(byte) 0xff, 0, 'x'});
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThat(Secret.fromFile(file).length()).isEqualTo(3);
  }

  @Test
  void refusesEmptyTokenFile() throws IOException {
    for (String content : new String[] {"", "\n", "\r\n"}) {
      Path file = write("empty", content);
      assertThatThrownBy(() -> Secret.fromFile(file))
          .isInstanceOf(IOException.class)
          .hasMessage("token file " + file + " is empty");
    }
  }

  @Test
  void refusesMissingTokenFile() {
    Path file = dir.resolve("missing");

    assertThatThrownBy(() -> Secret.fromFile(file))
        .isInstanceOf(IOException.class)
        .hasMessage("no such token file: " + file);
  }

  @Test
  void refusesTokenFileOthersCanRead() throws IOException {
    for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-r--r--"}) {
      Path file = write("loose", "abc");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> Secret.fromFile(file))
          .as(mode)
          .isInstanceOf(IOException.class)
          .hasMessage("token file " + file + " is readable by others; run: chmod 600 " + file);
    }
  }

  @Test
  void refusesTokenFileOver4KiB() throws IOException {
    Path file = write("big", "x".repeat(4097));

    assertThatThrownBy(() -> Secret.fromFile(file))
        .isInstanceOf(IOException.class)
        .hasMessage("token file " + file + " is over 4096 bytes");
  }

  @Test
  void refusesEmptyToken() {
    assertThatThrownBy(() -> Secret.of("\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the token is empty");
  }

  @Test
  void neverShowsTheToken() {
    assertThat(Secret.of("hunter2-hunter2")).hasToString("Secret[15 bytes]");
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
