package dev.stackwatch.lifecycle;

/**
 * Notices a client that leaves while its request is served without touching its connection: a non-streamed
 * generation neither reads nor writes the socket until its answer is whole, so without a watch a client that hung up
 * is only found when that answer is written (streams find out at their next write and need no watch).
 */
public interface ClientWatch {
    /** Watches nothing: for servers and tests without a connection to watch. */
    ClientWatch NONE = gone -> () -> { };

    /**
     * Watches the connection serving the calling thread until the returned watch is closed. {@code gone} runs at most
     * once if the client closes or resets the connection meanwhile: on another thread, or before this returns when
     * the client had already left; never after close returns.
     */
    Watch start(Runnable gone);

    /** An active watch; closing it is cheap and leaves the connection as it was. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
