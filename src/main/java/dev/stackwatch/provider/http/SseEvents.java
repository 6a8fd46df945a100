package dev.stackwatch.provider.http;

/** Reads the {@code data} of Server-Sent Events from a response; comments, ids and event names are skipped. */
public final class SseEvents {
    private final UpstreamResponse response;

    public SseEvents(UpstreamResponse response) {
        this.response = response;
    }

    /** The next event's data (multi-line data joined by '\n'), or null when the stream ends or sends [DONE]. */
    public String next() {
        // Nearly every event has one data line: it is the event as it is, with no builder to copy it through.
        String data = null;
        StringBuilder lines = null;
        while (true) {
            String line = response.readLine();
            if (line == null || line.isEmpty()) {
                if (data != null) {
                    String event = lines == null ? data : lines.toString();
                    if (!event.equals("[DONE]")) {
                        return event;
                    }
                    response.drain();
                    return null;
                }
                if (line == null) {
                    return null;
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                if (data == null) {
                    data = value;
                } else {
                    lines = (lines == null ? new StringBuilder(data) : lines).append('\n').append(value);
                }
            }
        }
    }
}
