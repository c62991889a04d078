package dev.surveil.cli;

import dev.surveil.protocol.HostAndPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts {@code host:port} option values for picocli; the port is read by
 * {@link PortConverter}. Stateless.
 */
public final class HostPortConverter implements ITypeConverter<HostAndPort> {
  @Override
  public HostAndPort convert(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new TypeConversionException("expected HOST:PORT, e.g. localhost:8888");
    }
    int port = PortConverter.parse(value.substring(colon + 1));
    try {
      return new HostAndPort(value.substring(0, colon), port);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
