package dev.stackwatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.provider.simulator.FaultInjectionFilter;
import dev.stackwatch.provider.simulator.SimulatorProvider;
import dev.stackwatch.server.StackwatchServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stackwatch simulate --port N}: the simulator alone as an OpenAI-compatible upstream and a LlamaStack
 * distribution (Responses API, files, vector stores, conversations, ... in memory; no management port), so remote
 * providers can be tested and benchmarked against a real HTTP server with injected latency and faults.
 */
final class SimulateCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SimulateCommand.class);
    static final String USAGE = """
            usage: java -jar stackwatch.jar simulate [options]
              --port N              listen port (default 8000; 0 picks a free one)
              --host ADDR           listen address (default 127.0.0.1)
              --models a,b          chat/completion model ids (default sim-llama)
              --embedding-models e  embedding model ids (default sim-embed)
              --ttft-ms N           time to first token (default 80)
              --inter-token-ms N    delay between tokens (default 20)
              --jitter F            relative jitter 0..1 (default 0.2)
              --error-rate F        fraction of requests that fail with 500 (default 0)
              --load-time-ms N      model load time at start-up (default 0)
              --fault F             network fault for every request: none, slow-first-token, stall-mid-stream,
                                    http-400, http-500, http-502, http-503, reset-mid-stream, malformed-sse (default none);
                                    a request may pick its own with the X-Simulator-Fault header
              --fault-delay-ms N    how long slow-first-token and stall-mid-stream wait (default 30000)""";
    private static final Map<String, String> SETTINGS = Map.of(
            "ttft-ms", "ttft_ms", "inter-token-ms", "inter_token_ms", "jitter", "jitter",
            "error-rate", "error_rate", "load-time-ms", "load_time_ms");

    private SimulateCommand() {
    }

    static int run(String[] argv) throws InterruptedException {
        Args args = new Args(argv, Set.of("port", "host", "models", "embedding-models", "ttft-ms", "inter-token-ms",
                "jitter", "error-rate", "load-time-ms", "fault", "fault-delay-ms", "help"));
        if (args.has("help")) {
            System.out.println(USAGE);
            return 0;
        }
        RunConfig config = new ConfigLoader(Map.of(), LOG::warn).fromTree(tree(args), "simulate command line");
        ServerConfig server = config.server();
        FaultInjectionFilter faults;
        try {
            faults = new FaultInjectionFilter(FaultInjectionFilter.Fault.parse(args.get("fault", "none")),
                    Duration.ofMillis(Long.parseLong(args.get("fault-delay-ms", "30000"))));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        CountDownLatch stop = StopSignals.install();
        StackwatchServer running = StackwatchServer.start(config.withServer(
                server.withPorts(server.port(), ServerConfig.NO_MANAGEMENT)), List.of(faults));
        // Tests and scripts read this line to learn the port when --port 0 was given.
        System.out.println("simulator listening on port " + running.port());
        System.out.flush();
        stop.await();
        running.close();
        return 0;
    }

    private static ObjectNode tree(Args args) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode settings = f.objectNode();
        SETTINGS.forEach((option, key) -> {
            if (args.has(option)) {
                settings.put(key, args.get(option, ""));
            }
        });
        // Acting as a whole distribution (responses, files, vector stores, ...), so Stackwatch can front it in demos.
        settings.put("distribution", true);
        ObjectNode provider = f.objectNode().put("provider_id", "simulator").put("provider_type", SimulatorProvider.TYPE);
        provider.set("config", settings);
        ArrayNode models = f.arrayNode();
        addModels(models, args.get("models", "sim-llama"), "llm");
        addModels(models, args.get("embedding-models", "sim-embed"), "embedding");
        ObjectNode root = f.objectNode();
        root.putObject("providers").putArray("inference").add(provider);
        root.set("models", models);
        root.putObject("server").put("host", args.get("host", "127.0.0.1")).put("port", args.get("port", "8000"));
        return root;
    }

    private static void addModels(ArrayNode models, String ids, String type) {
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                models.addObject().put("model_id", id.trim()).put("provider_id", "simulator").put("model_type", type);
            }
        }
    }
}
