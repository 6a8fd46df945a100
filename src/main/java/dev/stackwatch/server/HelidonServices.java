package dev.stackwatch.server;

import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.service.registry.ServiceRegistry;
import io.helidon.service.registry.ServiceRegistryConfig;
import io.helidon.service.registry.ServiceRegistryManager;

/**
 * Helidon's global service registry, made empty. Left to itself, Helidon builds it on first use (the first
 * {@code Parameters.empty()}) by reading the service metadata of every jar on the class path and every service-loader
 * provider of the contracts it knows, parsing their annotations: about 130 ms of the main thread's CPU, an eighth of a
 * cached start-up, for services nothing here uses (injection, the per-request scope, Helidon's config and metrics
 * factories). Routing, the listeners, media and encodings find
 * their providers through the service loader, not through the registry, so they are unchanged, and the type mappers
 * behind {@code Parameters.first(..).asInt()} are built in.
 */
final class HelidonServices {
    private HelidonServices() {
    }

    /** Installs the registry, unless one is already in use (another Helidon server in the same JVM made it). */
    static void install() {
        GlobalServiceRegistry.registry(HelidonServices::registry);
    }

    static ServiceRegistry registry() {
        return ServiceRegistryManager.create(ServiceRegistryConfig.builder()
                        .discoverServices(false)
                        .discoverServicesFromServiceLoader(false)
                        .build())
                .registry();
    }
}
