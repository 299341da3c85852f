package health.commonground.smart;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;

/**
 * Security of the app's web pages (home page, launch, app screens, static files). The FHIR API and
 * any authorization server have chains of their own; this one matches only its paths.
 */
@Configuration(proxyBeanMethods = false)
class SmartWebSecurity {

  static final String[] PATHS = {
    "/",
    "/index.html",
    "/launch",
    "/launch/**",
    "/app",
    "/app/**",
    "/logout",
    "/css/**",
    "/js/**",
    "/webjars/**",
    "/error"
  };

  @Bean
  SecurityContextRepository smartSecurityContexts() {
    return new HttpSessionSecurityContextRepository();
  }

  @Bean
  @Order(50)
  SecurityFilterChain smartAppChain(
      HttpSecurity http,
      SecurityContextRepository smartSecurityContexts,
      RegisteredEhrs ehrs,
      SmartLauncher launcher)
      throws Exception {
    http.securityMatcher(PATHS)
        .authorizeHttpRequests(
            authorize ->
                authorize
                    .requestMatchers("/app", "/app/**")
                    .hasAnyRole(AppRole.CLINICIAN.name(), AppRole.CLIENT.name())
                    .anyRequest()
                    .permitAll())
        .securityContext(context -> context.securityContextRepository(smartSecurityContexts))
        .csrf(csrf -> {})
        .requestCache(cache -> cache.disable())
        .formLogin(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(
                    (request, response, e) ->
                        response.sendRedirect(
                            request.getContextPath() + "/launch/ended?reason=expired")))
        .logout(
            logout ->
                logout
                    .logoutUrl("/logout")
                    .addLogoutHandler(revokeTokens(launcher))
                    .logoutSuccessUrl("/launch/ended?reason=logout"))
        .headers(
            headers ->
                headers
                    // The app runs inside EHR frames: frame-ancestors in the CSP decides who may
                    // frame it.
                    .frameOptions(frame -> frame.disable())
                    .addHeaderWriter(contentSecurityPolicy(ehrs))
                    .httpStrictTransportSecurity(
                        hsts ->
                            hsts.requestMatcher(AnyRequestMatcher.INSTANCE)
                                .includeSubDomains(true)
                                .maxAgeInSeconds(31_536_000))
                    .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                    .contentTypeOptions(options -> {}));
    return http.build();
  }

  /**
   * Session cookie: HttpOnly always; Secure when configured (or, unset, when the request came over
   * https); SameSite=None with Secure so the cookie reaches the app inside a cross-site EHR frame,
   * Lax otherwise (browsers drop SameSite=None cookies that are not Secure).
   */
  @Bean
  CookieSerializer cookieSerializer(SmartProperties properties) {
    DefaultCookieSerializer serializer = new DefaultCookieSerializer();
    serializer.setCookieName("CGSESSION");
    serializer.setUseHttpOnlyCookie(true);
    if (properties.cookieSecure() != null) {
      serializer.setUseSecureCookie(properties.cookieSecure());
    }
    serializer.setSameSite(properties.cookieSameSite());
    serializer.setCookiePath("/");
    return serializer;
  }

  private static LogoutHandler revokeTokens(SmartLauncher launcher) {
    return (request, response, authentication) -> {
      HttpSession session = request.getSession(false);
      if (session != null
          && session.getAttribute(SmartSession.ATTRIBUTE) instanceof SmartSession smart) {
        launcher.revoke(smart);
      }
    };
  }

  /**
   * CSP whose frame-ancestors are the origins of the EHR this session was launched from, or of
   * every registered EHR before a launch.
   */
  private static HeaderWriter contentSecurityPolicy(RegisteredEhrs ehrs) {
    return (request, response) -> {
      Set<String> ancestors = new LinkedHashSet<>();
      ancestors.add("'self'");
      ancestors.addAll(frameAncestors(request, ehrs));
      response.setHeader(
          "Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
              + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors "
              + String.join(" ", ancestors));
    };
  }

  private static Set<String> frameAncestors(HttpServletRequest request, RegisteredEhrs ehrs) {
    HttpSession session = request.getSession(false);
    if (session != null
        && session.getAttribute(SmartSession.ATTRIBUTE) instanceof SmartSession smart) {
      return ehrs.byName(smart.ehrName())
          .<Set<String>>map(ehr -> new LinkedHashSet<>(ehr.frameAncestors()))
          .orElseGet(Set::of);
    }
    return ehrs.allFrameAncestors();
  }
}
