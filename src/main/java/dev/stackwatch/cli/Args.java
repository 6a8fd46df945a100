package dev.stackwatch.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --name=value} options, checked against the names a command accepts. Flags (and
 * {@code --help}) take no value: present means "true".
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, Set<String> accepted) {
        this(args, accepted, Set.of());
    }

    Args(String[] args, Set<String> accepted, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("help") || flags.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
            if (!accepted.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            values.put(name, value);
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A whole-number option; anything else is a usage error naming the option. */
    int number(String name, int fallback) {
        try {
            return Integer.parseInt(get(name, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number");
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
