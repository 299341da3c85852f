package health.commonground.smart;

import java.util.List;

/** What an EHR's {@code /.well-known/smart-configuration} says about its authorization server. */
record SmartConfiguration(
    String issuer,
    String authorizationEndpoint,
    String tokenEndpoint,
    String jwksUri,
    String revocationEndpoint,
    List<String> codeChallengeMethods,
    List<String> capabilities) {}
