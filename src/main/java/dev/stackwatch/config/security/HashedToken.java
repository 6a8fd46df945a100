package dev.stackwatch.config.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A bearer token kept only as its SHA-256 digest, so a heap dump or a logged config never shows the secret. Comparing
 * digests of equal length with {@link MessageDigest#isEqual} takes the same time whatever the presented token is.
 */
public record HashedToken(byte[] sha256) {

    public static HashedToken of(String token) {
        return new HashedToken(digest(token));
    }

    public boolean matches(String presented) {
        return sameAs(of(presented));
    }

    public boolean sameAs(HashedToken other) {
        return MessageDigest.isEqual(sha256, other.sha256);
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }

    /** Records print their fields; a digest is not a secret, but nobody needs to see it either. */
    @Override
    public String toString() {
        return "HashedToken[********]";
    }
}
