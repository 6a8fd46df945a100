package dev.stackwatch.provider.http;

import dev.stackwatch.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * LlamaStack's {@code tls_verify}: {@code true} (system trust store), {@code false} (trust anything, for self-signed
 * development servers) or the path of a PEM CA bundle.
 */
public record TlsVerify(boolean verify, Path caBundle) {
    public static final TlsVerify SYSTEM = new TlsVerify(true, null);

    static TlsVerify read(ConfigNode config, String key) {
        if (!config.has(key)) {
            return SYSTEM;
        }
        String value = config.text(key).orElseThrow().trim();
        return switch (value.toLowerCase()) {
            case "true", "yes", "1" -> SYSTEM;
            case "false", "no", "0" -> new TlsVerify(false, null);
            default -> {
                Path bundle = Path.of(value);
                if (!Files.isReadable(bundle)) {
                    throw config.child(key).error("must be true, false or a readable CA bundle file ('" + value
                            + "' is not readable)");
                }
                yield new TlsVerify(true, bundle);
            }
        };
    }

    SSLContext sslContext() {
        try {
            if (verify && caBundle == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, verify ? bundleTrust() : new TrustManager[] {new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS (tls_verify): " + e.getMessage(), e);
        }
    }

    private TrustManager[] bundleTrust() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caBundle)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    /**
     * Accepts every certificate. Being an X509ExtendedTrustManager matters: JSSE then leaves host name checks to it
     * (and it does none), which is what {@code tls_verify: false} asks for.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
