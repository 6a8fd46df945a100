package dev.stackwatch.config.security;

import java.nio.file.Path;

/** {@code server.tls_certfile} / {@code server.tls_keyfile}: PEM files for the API listener, as in LlamaStack. */
public record TlsConfig(Path certFile, Path keyFile) {}
