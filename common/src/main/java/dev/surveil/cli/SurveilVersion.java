package dev.surveil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints for every program, {@code Surveil <version>}: the version the
 * build gave the project ({@code project.version} in the parent pom), which Maven writes into
 * {@code dev/surveil/cli/version.properties} when it copies common's resources. So a program
 * run from its jar, from the IDE or in a test says the same, and the version is written in one
 * place, the pom. Stateless.
 */
public final class SurveilVersion implements IVersionProvider {
  private static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"Surveil " + version()};
  }

  /**
   * The project's version, e.g. {@code 0.1.0-SNAPSHOT}.
   *
   * @throws IllegalStateException if the build did not write it (the resource is missing or
   *     was copied without filtering)
   */
  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = SurveilVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing; build common with Maven");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String version = properties.getProperty("version", "");
    if (version.isBlank() || version.contains("${")) {
      throw new IllegalStateException(RESOURCE + " holds no version ('" + version
          + "'); build common with Maven, which fills it in");
    }
    return version;
  }
}
