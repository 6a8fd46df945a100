package dev.stackwatch.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples a server process from outside, as an operator would: heap after a full GC (jcmd), threads and file
 * descriptors from /proc, established connections to its port from /proc/net/tcp*. Linux only.
 */
final class ProcessSampler {
    record Sample(long atMillis, double heapMb, int threads, int fds, int connections) {
        static String header() {
            return "seconds,heap_after_gc_mb,threads,fds,connections";
        }

        String csv(long startMillis) {
            return String.format(Locale.ROOT, "%.1f,%.2f,%d,%d,%d", (atMillis - startMillis) / 1000.0, heapMb, threads,
                    fds, connections);
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("heap .*used (\\d+)K");
    private static final String ESTABLISHED = "01";

    private final long pid;
    private final String portHex;
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    ProcessSampler(long pid, int port) {
        this.pid = pid;
        this.portHex = String.format(Locale.ROOT, "%04X", port);
    }

    Sample sample() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        double heapMb = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
        return new Sample(System.currentTimeMillis(), heapMb, threads(), fds(), connections());
    }

    /** The first {@code lines} lines of the live-object class histogram: what the heap is made of. */
    String histogram(int lines) throws IOException, InterruptedException {
        return jcmd("GC.class_histogram").lines().limit(lines).reduce("", (a, b) -> a + b + "\n");
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + command + " did not finish");
        }
        return out;
    }

    private int threads() throws IOException {
        return (int) status("Threads:");
    }

    /** Resident set size: what the process costs the machine, heap and everything else. */
    double rssMb() throws IOException {
        return status("VmRSS:") / 1024.0;
    }

    private long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private int fds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    /** Server-side ends only: the local address (second column) is on the server's port. */
    private int connections() throws IOException {
        int count = 0;
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(":" + portHex) && cols[3].equals(ESTABLISHED)) {
                    count++;
                }
            }
        }
        return count;
    }
}
