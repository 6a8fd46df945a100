package dev.stackwatch.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamEndpointTest {

    @Test
    void anExplicitPortIsKept() {
        assertEquals(new UpstreamEndpoint("vllm.internal", 8000),
                UpstreamEndpoint.of(URI.create("http://vllm.internal:8000/v1")));
    }

    @Test
    void withoutAPortTheSchemesDefaultIsWhereTheCallGoes() {
        assertEquals(new UpstreamEndpoint("api.openai.com", 443),
                UpstreamEndpoint.of(URI.create("https://api.openai.com/v1")));
        assertEquals(new UpstreamEndpoint("ollama", 80), UpstreamEndpoint.of(URI.create("http://ollama")));
    }

    @Test
    void anIpv6AddressLosesItsUrlBrackets() {
        assertEquals(new UpstreamEndpoint("::1", 11434), UpstreamEndpoint.of(URI.create("http://[::1]:11434")));
    }
}
