package dev.surveil.protocol;

/** Everything that crosses the wire: a {@link Request} or the {@link Reply} to it. */
public sealed interface Message permits Request, Reply {}
