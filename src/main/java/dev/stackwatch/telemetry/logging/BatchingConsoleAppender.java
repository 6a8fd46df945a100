package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Log lines to standard output, written in batches. Each line is encoded on the thread that logs it and copied into a
 * batch; a platform thread writes the batch out {@link #BATCH_WINDOW} after its first line, with one write. Writing
 * each line with its own write(2) cost every request a system call on its virtual thread, during which the scheduler
 * wakes another carrier to stand in for the blocked one: the access line alone took 10-17 % of a whole answer's CPU.
 * <ul>
 *   <li>A line at WARN or above is written at once, with the batch before it, so that a failure's line is out before
 *       whatever happens next.</li>
 *   <li>A batch over {@link #MAX_BATCH_BYTES} is written by the thread that filled it, so memory stays bounded.</li>
 *   <li>When the JVM exits (its shutdown hooks run), the batch is written and later lines go straight out. A JVM that
 *       halts without its hooks ({@code kill -9}, {@code -XX:+ExitOnOutOfMemoryError}) loses at most the last
 *       {@link #BATCH_WINDOW} of INFO and DEBUG lines.</li>
 *   <li>With nothing to write, the writer thread sleeps without a timeout.</li>
 * </ul>
 * {@code System.out} is looked up at every write, as logback's console appender does.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final Duration BATCH_WINDOW = Duration.ofMillis(50);
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final Encoder<ILoggingEvent> encoder;
    private final Supplier<? extends OutputStream> out;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] batch = new byte[8 * 1024];
    private int size;
    /** Set at JVM exit: from then on every line is written as it comes. */
    private volatile boolean direct;
    private volatile boolean stopping;
    private Thread writer;
    private Thread exitHook;

    public BatchingConsoleAppender(Encoder<ILoggingEvent> encoder) {
        this(encoder, () -> System.out);
    }

    /** {@code out}: where each write goes, looked up at every write. */
    BatchingConsoleAppender(Encoder<ILoggingEvent> encoder, Supplier<? extends OutputStream> out) {
        this.encoder = encoder;
        this.out = out;
    }

    public Encoder<ILoggingEvent> encoder() {
        return encoder;
    }

    /** The thread that writes the batches: for the test that checks how it waits. */
    Thread writerThread() {
        return writer;
    }

    @Override
    public void start() {
        stopping = false;
        direct = false;
        writer = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::writeBatches);
        exitHook = Thread.ofPlatform().name("log-writer-exit").unstarted(() -> {
            direct = true;
            writeBatch();
        });
        Runtime.getRuntime().addShutdownHook(exitHook);
        writer.start();
        byte[] header = encoder.headerBytes();
        if (header != null && header.length > 0) {
            write(header, header.length);
        }
        super.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        stopping = true;
        LockSupport.unpark(writer);
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException exiting) {
            // The JVM is exiting: the hook writes the batch and turns to direct writes by itself.
        }
        writeBatch();
        byte[] footer = encoder.footerBytes();
        if (footer != null && footer.length > 0) {
            write(footer, footer.length);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] line = encoder.encode(event);
        boolean warning = event.getLevel().isGreaterOrEqual(Level.WARN);
        boolean wake;
        lock.lock();
        try {
            wake = size == 0;
            add(line);
            // direct is read under the lock that the exit hook's last batch takes: a line is either in that batch or
            // written here, never left behind for a writer the exiting JVM will not run again.
            if (warning || direct || size > MAX_BATCH_BYTES) {
                write(batch, size);
                size = 0;
                return;
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            LockSupport.unpark(writer);
        }
    }

    /** The writer thread: wakes at a batch's first line, lets the batch gather for the window, writes it. */
    private void writeBatches() {
        while (!stopping) {
            LockSupport.park(this);
            if (stopping) {
                return;
            }
            LockSupport.parkNanos(this, BATCH_WINDOW.toNanos());
            writeBatch();
        }
    }

    private void writeBatch() {
        lock.lock();
        try {
            if (size > 0) {
                write(batch, size);
                size = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    private void add(byte[] line) {
        if (size + line.length > batch.length) {
            batch = Arrays.copyOf(batch, Math.max(batch.length * 2, size + line.length));
        }
        System.arraycopy(line, 0, batch, size, line.length);
        size += line.length;
    }

    private void write(byte[] bytes, int length) {
        OutputStream stream = out.get();
        try {
            stream.write(bytes, 0, length);
            stream.flush();
        } catch (IOException e) {
            // System.out never throws (it keeps an error flag); another stream's failure goes to logback's status
            // messages, as its own appenders' do, and the lines are dropped rather than the logging thread failing.
            addError("cannot write log lines", e);
        }
    }
}
