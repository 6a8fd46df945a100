package dev.stackwatch.telemetry.logging;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who may change log levels at run time: only a caller on this machine, until admin tokens exist. A level change can
 * turn on debug logging of a busy server, so it must not be reachable from the network the API is served on.
 */
final class LoopbackOnly {
    private LoopbackOnly() {
    }

    static boolean allows(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }
}
