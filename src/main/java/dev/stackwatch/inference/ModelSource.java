package dev.stackwatch.inference;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A provider that can find the models its upstream serves, beyond those registered in run.yaml. */
public interface ModelSource {
    /** How often to look for new models; empty when discovery is off for this provider. */
    Optional<Duration> discoveryInterval();

    /** The models the upstream serves now, named as clients will name them; throws when it cannot be asked. */
    List<Model> discoverModels();
}
