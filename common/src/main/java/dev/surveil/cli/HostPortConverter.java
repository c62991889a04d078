package dev.surveil.cli;

import dev.surveil.net.HostAndPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts {@code host:port} option values for picocli. */
public final class HostPortConverter implements ITypeConverter<HostAndPort> {
  @Override
  public HostAndPort convert(String value) {
    try {
      return HostAndPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
