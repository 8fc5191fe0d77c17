import GatewayCore
import Logging

extension PatternGatewayCommand {
    /// One warning at start when no model endpoint is configured: the answers then come from the
    /// built-in simulator (deterministic stand-in vectors) or from whatever listens on the default
    /// addresses, and a newcomer must not mistake either for a model's.
    static func warnUnlessUpstreamsConfigured(_ core: CoreConfiguration, logger: Logger) {
        guard core.simulatedUpstreams || !core.endpointsConfigured else { return }
        let endpoints = core.registry.models.flatMap(\.endpoints)
        let metadata: Logger.Metadata = [
            "endpoints": "\(endpoints.first ?? "none") … \(endpoints.last ?? "none")",
            "configure": "MIXTRAL_ENDPOINT … GENERAL_ENDPOINT, or models.<name>.endpoints in the YAML file",
        ]
        if core.simulatedUpstreams {
            logger.warning(
                "no model endpoint configured: relaying to the built-in simulator (pattern-upstream-sim), whose vectors are stand-ins, not a model's",
                metadata: metadata)
        } else {
            logger.warning(
                "no model endpoint configured: relaying to the default addresses, where `make run` starts the built-in simulator",
                metadata: metadata)
        }
    }
}
