package dev.stackwatch.usage;

import dev.stackwatch.config.usage.TenantConfig;

/** The request's tenant label, in the request context from the quota filter to the usage observer. */
record Tenant(String label) {
    static final Tenant NONE = new Tenant(TenantConfig.NONE);
}
