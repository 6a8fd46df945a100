package dev.stackwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.provider.ProviderTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private final List<String> warnings = new ArrayList<>();
    private final DeadlineTimer deadlines = new DeadlineTimer("test-deadlines");
    private final UpstreamTransport upstreams = new UpstreamTransport(deadlines);

    @AfterEach
    void closeTimer() {
        upstreams.close();
        deadlines.close();
    }

    private RunConfig parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(env, warnings::add).parse(yaml, "run.yaml");
    }

    private ConfigException failure(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml, Map.of()));
    }

    private static final String MINIMAL = """
            providers:
              inference:
              - {provider_id: sim, provider_type: inline::simulator}
            """;

    @Test
    void readsALlamaStackRunYaml() {
        RunConfig c = parse("""
                version: 2
                image_name: demo
                apis: [inference]
                providers:
                  inference:
                  - provider_id: vllm
                    provider_type: remote::vllm
                    config: {url: "http://vllm:8000/v1"}
                  - provider_id: sim
                    provider_type: inline::simulator
                registered_resources:
                  models:
                  - {model_id: llama, provider_id: vllm, provider_model_id: meta-llama/Llama-3.2-3B}
                  - {model_id: embed, provider_id: sim, model_type: embedding}
                server: {port: 9000, management_port: 9001}
                """, Map.of());
        assertEquals(2, c.version());
        assertEquals("demo", c.imageName());
        assertEquals(List.of("vllm", "sim"), c.inferenceProviders().stream().map(ProviderConfig::providerId).toList());
        assertEquals("http://vllm:8000/v1", c.inferenceProviders().getFirst().config().requiredText("url"));
        assertEquals("meta-llama/Llama-3.2-3B", c.models().getFirst().providerModelId());
        assertEquals("embed", c.models().get(1).providerModelId());
        assertEquals(ModelType.EMBEDDING, c.models().get(1).modelType());
        assertEquals(9000, c.server().port());
        assertEquals(9001, c.server().managementPort());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void acceptsTopLevelModelsAndDefaultsTheSoleProvider() {
        RunConfig c = parse(MINIMAL + "models:\n- model_id: m1\n", Map.of());
        assertEquals("sim", c.models().getFirst().providerId());
        assertEquals(ServerConfig.DEFAULT_PORT, c.server().port());
        assertEquals(ServerConfig.DEFAULT_MANAGEMENT_PORT, c.server().managementPort());
    }

    @Test
    void substitutesEnvironmentVariables() {
        String yaml = """
                providers:
                  inference:
                  - provider_id: vllm
                    provider_type: remote::vllm
                    config:
                      url: ${env.VLLM_URL:=http://localhost:8000/v1}
                      api_token: ${env.VLLM_API_TOKEN:+Bearer-set}
                      name: "prefix-${env.NAME}-suffix"
                server:
                  port: ${env.PORT:=8321}
                """;
        RunConfig unset = parse(yaml, Map.of("NAME", "n"));
        ConfigNode config = unset.inferenceProviders().getFirst().config();
        assertEquals("http://localhost:8000/v1", config.requiredText("url"));
        assertTrue(config.text("api_token").isEmpty(), "':+' with the variable unset gives nothing");
        assertEquals("prefix-n-suffix", config.requiredText("name"));
        assertEquals(8321, unset.server().port());

        RunConfig set = parse(yaml, Map.of("VLLM_URL", "http://gpu:8000/v1", "VLLM_API_TOKEN", "s3cret", "NAME", "x",
                "PORT", "9999"));
        ConfigNode config2 = set.inferenceProviders().getFirst().config();
        assertEquals("http://gpu:8000/v1", config2.requiredText("url"));
        assertEquals("Bearer-set", config2.requiredText("api_token"));
        assertEquals(9999, set.server().port());
    }

    @Test
    void envPortsOverrideTheFile() {
        RunConfig c = parse(MINIMAL + "server: {port: 1234}\n", Map.of("LLS_PORT", "4321", "MANAGEMENT_PORT", "9090"));
        assertEquals(4321, c.server().port());
        assertEquals(9090, c.server().managementPort());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL, Map.of("LLS_PORT", "http")));
        assertEquals("environment: LLS_PORT: 'http' is not a valid port (0..65535)", e.getMessage());
    }

    @Test
    void envHostOverridesTheFileAndTheDefault() {
        assertEquals("0.0.0.0", parse(MINIMAL, Map.of()).server().host());
        assertEquals("127.0.0.1", parse(MINIMAL, Map.of("LLS_HOST", "127.0.0.1")).server().host());
        assertEquals("::1", parse(MINIMAL + "server: {host: 10.0.0.5}\n", Map.of("LLS_HOST", " ::1 ")).server().host());
        assertEquals("10.0.0.5", parse(MINIMAL + "server: {host: 10.0.0.5}\n", Map.of("LLS_HOST", "")).server().host());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(MINIMAL, Map.of("LLS_HOST", "http://localhost")));
        assertEquals("environment: LLS_HOST: 'http://localhost' is not a host name or address (e.g. 127.0.0.1, ::1, "
                + "0.0.0.0)", e.getMessage());
    }

    @Test
    void providersAreOptionalForReadinessUnlessMarkedRequired() {
        RunConfig c = parse("""
                version: 2
                providers:
                  inference:
                  - {provider_id: a, provider_type: inline::simulator}
                  - {provider_id: b, provider_type: inline::simulator, required: true}
                """, Map.of());
        assertEquals(List.of(false, true), c.inferenceProviders().stream().map(ProviderConfig::required).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                version: 2
                providers:
                  inference:
                  - {provider_id: a, provider_type: inline::simulator, required: maybe}
                """, Map.of()));
        assertTrue(e.getMessage().contains("providers.inference[0].required"), e.getMessage());
    }

    @Test
    void unknownKeysAreWarnedAboutNotFatal() {
        parse(MINIMAL + "telemetry: {enabled: true}\nserver: {port: 8321, colour: blue}\n", Map.of());
        assertTrue(warnings.contains("run.yaml: telemetry: unknown key, ignored"), warnings.toString());
        assertTrue(warnings.contains("run.yaml: server.colour: unknown key, ignored"), warnings.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "yaml syntax| 'providers: [unclosed'| run.yaml: invalid YAML at line",
            "empty file| ''| run.yaml: file is empty",
            "no providers| 'version: 2'| run.yaml: providers: is required",
            "provider without type| 'providers: {inference: [{provider_id: a}]}'| run.yaml: providers.inference[0].provider_type: is required",
            "duplicate provider| 'providers: {inference: [{provider_id: a, provider_type: x}, {provider_id: a, provider_type: y}]}'| run.yaml: providers.inference[1].provider_id: duplicate provider id 'a'",
            "model to missing provider| 'providers: {inference: [{provider_id: a, provider_type: x}]}\nmodels: [{model_id: m, provider_id: b}]'| run.yaml: models[0].provider_id: no provider 'b' (providers: a)",
            "bad model type| 'providers: {inference: [{provider_id: a, provider_type: x}]}\nmodels: [{model_id: m, model_type: vision}]'| run.yaml: models[0].model_type: 'vision' is not one of llm, embedding",
            "port out of range| 'providers: {inference: [{provider_id: a, provider_type: x}]}\nserver: {port: 70000}'| run.yaml: server.port: 70000 is out of range (0..65535)",
            "port not a number| 'providers: {inference: [{provider_id: a, provider_type: x}]}\nserver: {port: eighty}'| run.yaml: server.port: 'eighty' is not an integer",
            "unset required env| 'providers: {inference: [{provider_id: a, provider_type: x, config: {url: \"${env.NOPE}\"}}]}'| run.yaml: providers.inference[0].config.url: environment variable NOPE is not set",
    })
    void badConfigNamesTheFileAndTheField(String name, String yaml, String expectedStart) {
        ConfigException e = failure(yaml.replace("\\n", "\n"));
        assertTrue(e.getMessage().startsWith(expectedStart), "got: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void unknownProviderTypeNamesTheField() {
        RunConfig c = parse("providers: {inference: [{provider_id: a, provider_type: inline::simulator}, "
                + "{provider_id: b, provider_type: remote::nonsense}]}", Map.of());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ProviderTypes.builtIn(upstreams).create(c.inferenceProviders().get(1), c.models()));
        assertTrue(e.getMessage().startsWith("run.yaml: providers.inference[1].provider_type: unknown provider type "
                + "'remote::nonsense' (known: "), e.getMessage());
    }

    @Test
    void simulatorSettingsAreValidatedWithTheirPath() {
        RunConfig c = parse(MINIMAL.replace("inline::simulator}", "inline::simulator, config: {error_rate: 2}}"), Map.of());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ProviderTypes.builtIn(upstreams).create(c.inferenceProviders().getFirst(), c.models()));
        assertEquals("run.yaml: providers.inference[0].config.error_rate: 2.0 is out of range (0.0..1.0)", e.getMessage());
    }

    @Test
    void unknownSimulatorKeysAreWarnedLikeOtherProviders() {
        RunConfig c = parse(MINIMAL.replace("inline::simulator}",
                "inline::simulator, config: {ttft_ms: 5, ttft: 5}}"), Map.of());
        ProviderTypes.builtIn(upstreams).create(c.inferenceProviders().getFirst(), c.models()).close();
        assertEquals(List.of("run.yaml: providers.inference[0].config.ttft: unknown key, ignored"), warnings);
    }

    @Test
    void aFileThatIsNotUtf8IsNamedWithTheOffendingByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "providers:\n  inference: []\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), w -> {}).load(file));
        assertEquals(file + ": not valid UTF-8 text: byte 0xE9 at line 3 (byte offset 32); save the file as UTF-8",
                e.getMessage());
    }

    @Test
    void aFifoAsConfigFailsAtOnceInsteadOfWaitingForAWriter(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("run.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo " + fifo);
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of(), w -> {}).load(fifo)));
        assertEquals(fifo + ": not a regular file (a directory, FIFO, socket or device); give the path of a YAML file",
                e.getMessage());
        ConfigException directory = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of(), w -> {}).load(dir));
        assertTrue(directory.getMessage().startsWith(dir + ": not a regular file"), directory.getMessage());
    }

    @Test
    void missingFileIsReportedByName(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(), w -> {}).load(file));
        assertEquals(file + ": file not found", e.getMessage());
    }

    @Test
    void builtInDefaultLoadsAndReadsItsOwnFile(@TempDir Path dir) throws Exception {
        RunConfig builtIn = new ConfigLoader(Map.of(), warnings::add).loadDefault();
        assertEquals(ConfigLoader.BUILT_IN, builtIn.source());
        assertTrue(builtIn.models().size() >= 2);
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, MINIMAL);
        assertEquals(file.toString(), new ConfigLoader(Map.of(), w -> {}).load(file).source());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void redactionMasksSecretsButNotLookalikes() {
        RunConfig c = parse("""
                providers:
                  inference:
                  - provider_id: a
                    provider_type: remote::openai
                    config: {api_key: sk-123, api_token: t, inter_token_ms: 5, max_tokens: 9, url: "http://x"}
                """, Map.of());
        String shown = Redaction.redact(c.inferenceProviders().getFirst().config().raw()).toString();
        assertTrue(!shown.contains("sk-123") && shown.contains("\"api_key\":\"********\""), shown);
        assertTrue(shown.contains("\"inter_token_ms\":5") && shown.contains("\"max_tokens\":9"), shown);
    }
}
