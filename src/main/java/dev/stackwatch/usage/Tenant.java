package dev.stackwatch.usage;

/** The request's tenant label, in the request context from the quota filter to the usage observer. */
record Tenant(String label) {
    static final Tenant NONE = new Tenant(TenantConfig.NONE);
}
