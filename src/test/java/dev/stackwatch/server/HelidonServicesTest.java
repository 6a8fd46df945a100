package dev.stackwatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.common.mapper.Mappers;
import io.helidon.service.registry.ServiceRegistry;
import io.helidon.webserver.spi.ServerFeatureProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelidonServicesTest {
    private final ServiceRegistry registry = HelidonServices.registry();

    /** The conversions Helidon's request API makes must not depend on a service the empty registry lacks. */
    @Test
    void helidonsTypeMappersStillConvert() {
        Mappers mappers = Mappers.builder().serviceRegistry(registry).build();

        assertEquals(42, mappers.map("42", String.class, Integer.class));
        assertEquals(Boolean.TRUE, mappers.map("true", String.class, Boolean.class));
    }

    @Test
    void nothingIsDiscovered() {
        // Helidon's own registry would hold its request-scope feature, found in the web server's service metadata.
        assertEquals(List.of(), registry.all(ServerFeatureProvider.class));
    }
}
