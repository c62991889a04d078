package dev.surveil.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a port option for picocli ({@code --port}, {@code --notify-port}, the port of
 * {@code HOST:PORT}): ASCII digits from 0 to 65535, where 0 means any free port. The one place
 * the programs read a port from the command line. Stateless.
 */
public final class PortConverter implements ITypeConverter<Integer> {
  /** The reason every bad port is refused with. */
  static final String NOT_A_PORT = "not a port; give 0 to 65535";

  @Override
  public Integer convert(String value) {
    return parse(value);
  }

  /**
   * The port {@code text} names.
   *
   * @throws TypeConversionException if it is not a number from 0 to 65535
   */
  public static int parse(String text) {
    // ASCII only: Integer.parseInt also takes a sign and digits such as '\u0663'
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new TypeConversionException(NOT_A_PORT);
    }
    int port = Integer.parseInt(text);
    if (port > 65535) {
      throw new TypeConversionException(NOT_A_PORT);
    }
    return port;
  }
}
