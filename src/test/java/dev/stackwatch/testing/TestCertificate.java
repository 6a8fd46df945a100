package dev.stackwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 made at test time with the running JDK's keytool (no key is ever
 * committed), written as the PEM pair Stackwatch reads, plus an SSL context that trusts only it.
 */
public record TestCertificate(Path certFile, Path keyFile, Certificate certificate) {
    private static final char[] PASSWORD = "test-only".toCharArray();

    public static TestCertificate create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        return create(dir, "ip:127.0.0.1,dns:localhost");
    }

    /** A certificate for the names in {@code san} (keytool's form, e.g. {@code dns:other.example}) only. */
    public static TestCertificate create(Path dir, String san)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve("test.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "test", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=" + san,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        Certificate cert = ks.getCertificate("test");
        PrivateKey key = (PrivateKey) ks.getKey("test", PASSWORD);
        Path certFile = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificate(certFile, keyFile, cert);
    }

    public SSLContext trustingContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
